// @ts-check
// Search as you type on the home page (which works without this script: its form submits GET
// {base}/?q=…). Typing (debounced) or changing a facet fetches /x/search with the same
// normalized query the page itself would send, then re-renders the count, the result cards, the
// facet counts and the paging links with DOM APIs: publisher text only ever goes in through
// textContent. The URL follows with history.replaceState, so reload and sharing keep the search.
// A signed-in page (data-source="page") fetches the page itself instead: the API would not see
// the session cookie's token.

const DEBOUNCE_MS = 150;
const LIST_KEYS = ["registryType", "transport"];
const FACET_KEYS = ["registryType", "transport", "hosting"];
const OFFICIAL = "io.modelcontextprotocol.registry/official";
const MODERATION = "dev.mcp-registry-workers/moderation";

/**
 * @typedef {{ registryType?: string }} Package
 * @typedef {{ name: string, title?: string, description?: string, version?: string, remotes?: unknown[], packages?: Package[] }} Server
 * @typedef {{ server: Server, _meta?: Record<string, { status?: string, underReview?: boolean } | undefined> }} Result
 * @typedef {{ results: Result[], facets: Record<string, Record<string, number> | undefined>, metadata: { total: number, nextCursor?: string } }} Answer
 * @typedef {{ detail?: string, errors?: { message?: string, location?: string, value?: unknown }[] }} Problem
 */

const form = document.getElementById("search-form");
if (form instanceof HTMLFormElement) enhance(form);

/** @param {HTMLFormElement} form */
function enhance(form) {
  const base = form.dataset.base ?? "";
  const viaPage = form.dataset.source === "page";
  const input = form.querySelector("#q");
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {AbortController | undefined} */
  let inFlight;

  /** The query string the server writes for these choices (same keys, order and lists). */
  function queryString() {
    const data = new FormData(form);
    const params = new URLSearchParams();
    const q = String(data.get("q") ?? "");
    if (q.trim() !== "") params.set("q", q);
    for (const key of LIST_KEYS) {
      const values = data.getAll(key).map(String);
      if (values.length > 0) params.set(key, values.join(","));
    }
    const hosting = String(data.get("hosting") ?? "any");
    if (hosting !== "any" && hosting !== "") params.set("hosting", hosting);
    // Both statuses (or none) is the default, written as nothing.
    const status = data.getAll("status").map(String);
    if (status.length === 1) params.set("status", status[0] ?? "");
    const namespace = String(data.get("namespace") ?? "").trim();
    if (namespace !== "") params.set("namespace", namespace);
    return params.toString();
  }

  async function update() {
    const query = queryString();
    const pageUrl = pageHref(base, query);
    history.replaceState(null, "", pageUrl);
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const region = document.getElementById("search-results");
    region?.setAttribute("aria-busy", "true");
    try {
      if (viaPage) {
        await fromPage(pageUrl, controller.signal);
      } else {
        const response = await fetch(`${base}/x/search${query === "" ? "" : `?${query}`}`, {
          signal: controller.signal,
          headers: { accept: "application/json" },
        });
        if (response.status === 200) renderAnswer(/** @type {Answer} */ (await response.json()), query);
        else if (response.status === 422) renderProblems(/** @type {Problem} */ (await response.json()));
        // Anything else (a group gone private, a rate limit): the page says what it is.
        else await fromPage(pageUrl, controller.signal);
      }
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") return;
      showNotice("The search could not be updated:", ["press Search to try again."]);
    } finally {
      if (inFlight === controller) region?.removeAttribute("aria-busy");
    }
  }

  /** @param {number} delay */
  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(update, delay);
  }

  input?.addEventListener("input", () => schedule(DEBOUNCE_MS));
  form.addEventListener("change", (event) => {
    if (event.target !== input) schedule(0);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    schedule(0);
  });

  /** @param {Answer} answer @param {string} query */
  function renderAnswer(answer, query) {
    showNotice("", []);
    const results = document.getElementById("results");
    if (results instanceof HTMLOListElement) {
      results.start = 1;
      results.replaceChildren(...answer.results.map((r) => card(base, r)));
    }
    const count = document.getElementById("result-count");
    if (count) count.textContent = resultCountText(answer.metadata.total, answer.results.length);
    setEmpty(answer.results.length === 0);
    for (const key of FACET_KEYS) {
      const counts = answer.facets[key] ?? {};
      for (const span of form.querySelectorAll(`fieldset[name="${key}"] [data-count-for]`)) {
        if (span instanceof HTMLElement) span.textContent = String(counts[span.dataset.countFor ?? ""] ?? 0);
      }
    }
    const paging = document.querySelector("#search-results nav.paging");
    if (paging instanceof HTMLElement) {
      const links = [];
      if (answer.metadata.nextCursor) {
        const params = new URLSearchParams(query);
        params.set("cursor", answer.metadata.nextCursor);
        links.push(link(pageHref(base, params.toString()), "Next page", "next"));
      }
      paging.replaceChildren(...links);
      paging.hidden = links.length === 0;
    }
  }

  /** @param {Problem} problem */
  function renderProblems(problem) {
    const lines = (problem.errors ?? []).map(
      (e) => `${String(e.location ?? "query").replace(/^query\./, "")}: ${e.message ?? "not valid"}`,
    );
    showNotice("These choices are not valid:", lines.length > 0 ? lines : [problem.detail ?? "validation failed"]);
    document.getElementById("results")?.replaceChildren();
    const count = document.getElementById("result-count");
    if (count) count.textContent = "No results";
    setEmpty(false);
  }

  /** The page itself (as the signed-in caller), its results region and facet counts taken over. */
  /** @param {string} pageUrl @param {AbortSignal} signal */
  async function fromPage(pageUrl, signal) {
    const response = await fetch(pageUrl, { signal, headers: { accept: "text/html" } });
    const parsed = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = parsed.getElementById("search-results");
    const current = document.getElementById("search-results");
    if (fresh === null || current === null) {
      // Not a search page (an error page): show it whole.
      location.assign(pageUrl);
      return;
    }
    const imported = /** @type {HTMLElement} */ (document.importNode(fresh, true));
    // The count is a live region: the same node, with new text, is what screen readers announce.
    const count = document.getElementById("result-count");
    const freshCount = imported.querySelector("#result-count");
    if (count !== null && freshCount !== null) {
      count.textContent = freshCount.textContent;
      freshCount.replaceWith(count);
    }
    current.replaceWith(imported);
    for (const span of parsed.querySelectorAll("[data-count-for]")) {
      const fieldset = span.closest("fieldset");
      const value = span instanceof HTMLElement ? span.dataset.countFor : undefined;
      if (fieldset === null || value === undefined) continue;
      const mine = form.querySelector(`fieldset[name="${fieldset.name}"] [data-count-for="${CSS.escape(value)}"]`);
      if (mine) mine.textContent = span.textContent;
    }
  }

  /** @param {string} intro @param {string[]} lines */
  function showNotice(intro, lines) {
    const notice = document.getElementById("search-notice");
    if (!notice) return;
    notice.hidden = lines.length === 0;
    notice.replaceChildren();
    if (lines.length === 0) return;
    const list = document.createElement("ul");
    for (const line of lines) list.append(element("li", line));
    notice.append(element("p", intro), list);
  }

  /** @param {boolean} empty */
  function setEmpty(empty) {
    let note = document.getElementById("results-empty");
    if (!empty) {
      note?.remove();
      return;
    }
    if (note) return;
    note = element("p", "Nothing matches: try fewer words or fewer filters.", "empty muted");
    note.id = "results-empty";
    document.getElementById("results")?.after(note);
  }
}

/** @param {string} base @param {string} query */
function pageHref(base, query) {
  return query === "" ? `${base}/` : `${base}/?${query}`;
}

/** @param {number} total @param {number} count */
function resultCountText(total, count) {
  if (total === 0) return "No servers match";
  const noun = total === 1 ? "server" : "servers";
  return count >= total ? `${total} ${noun}` : `${total} ${noun} (1–${count} shown)`;
}

/**
 * @param {string} tag
 * @param {string} text
 * @param {string} [className]
 */
function element(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** @param {string} href @param {string} text @param {string} [rel] */
function link(href, text, rel) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  if (rel) a.rel = rel;
  return a;
}

/** A result card, the same markup as the server renders. @param {string} base @param {Result} result */
function card(base, result) {
  const { server } = result;
  const li = document.createElement("li");
  li.className = "card";
  const h2 = document.createElement("h2");
  const path = server.name.split("/").map(encodeURIComponent).join("/");
  h2.append(link(`${base}/server/${path}`, server.title?.trim() ? server.title : server.name));
  const name = element("p", "", "card-name");
  name.append(element("code", server.name));
  if (server.version) name.append(" ", element("span", `v${server.version}`, "muted"));
  li.append(h2, name);
  if (server.description) li.append(element("p", server.description, "card-description"));
  const badges = [];
  if ((server.remotes?.length ?? 0) > 0) badges.push(element("span", "remote", "badge remote"));
  const types = [...new Set((server.packages ?? []).map((p) => p.registryType).filter((t) => typeof t === "string"))];
  if (types.length > 0) badges.push(element("span", `package: ${types.join(", ")}`, "badge package"));
  if (result._meta?.[OFFICIAL]?.status === "deprecated") badges.push(element("span", "deprecated", "badge deprecated"));
  if (result._meta?.[MODERATION]?.underReview === true) badges.push(element("span", "under review", "badge review"));
  if (badges.length > 0) {
    const p = element("p", "", "badges");
    p.append(...badges);
    li.append(p);
  }
  return li;
}

// A module (loaded with type="module"): its names stay its own.
export {};
