-- Denylist sweeps by the change sequence (catalog_changes, 0005). See docs/storage.md.
--
-- swept_seq: the head of catalog_changes read before the entry's last complete sweep started.
-- Every visible version that matched the entry among names changed up to it was deleted then,
-- and a name changes its seq on any write, so the cron sweeps an entry again only over names
-- with a higher seq, and not at all while the head has not moved. 0 (new entries, and every
-- entry when this runs): the next sweep looks at every name.
ALTER TABLE denylist ADD COLUMN swept_seq INTEGER NOT NULL DEFAULT 0;
