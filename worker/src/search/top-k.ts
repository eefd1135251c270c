// The best k candidates by (score desc, name asc) in a binary heap whose root is the worst
// kept one: most candidates are rejected by one comparison with the root.

export class TopK {
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;
  /** Score of the worst kept candidate once full (-Infinity before): anything lower is rejected. */
  floor = -Infinity;
  private readonly k: number;
  private readonly nameOf: (id: number) => string;
  private readonly indexDocs: number;

  /** Ids below indexDocs are index documents, whose id order is name order. */
  constructor(k: number, indexDocs: number, nameOf: (id: number) => string) {
    this.k = k;
    this.ids = new Int32Array(k);
    this.scores = new Float64Array(k);
    this.indexDocs = indexDocs;
    this.nameOf = nameOf;
  }

  /** a ranks before b. */
  private before(a: number, sa: number, b: number, sb: number): boolean {
    if (sa !== sb) return sa > sb;
    if (a < this.indexDocs && b < this.indexDocs) return a < b;
    return this.nameOf(a) < this.nameOf(b);
  }

  offer(id: number, score: number): void {
    const ids = this.ids;
    const scores = this.scores;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const pid = ids[parent] ?? 0;
        const ps = scores[parent] ?? 0;
        // Parent must be worse than (ranked after) the child.
        if (!this.before(pid, ps, id, score)) break;
        ids[i] = pid;
        scores[i] = ps;
        i = parent;
      }
      ids[i] = id;
      scores[i] = score;
      if (this.size === this.k) this.floor = scores[0] ?? -Infinity;
      return;
    }
    if (this.k === 0 || !this.before(id, score, ids[0] ?? 0, scores[0] ?? 0)) return;
    let i = 0;
    const n = this.size;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      let worst = left;
      const right = left + 1;
      if (right < n && this.before(ids[left] ?? 0, scores[left] ?? 0, ids[right] ?? 0, scores[right] ?? 0))
        worst = right;
      const wid = ids[worst] ?? 0;
      const ws = scores[worst] ?? 0;
      if (!this.before(id, score, wid, ws)) break;
      ids[i] = wid;
      scores[i] = ws;
      i = worst;
    }
    ids[i] = id;
    scores[i] = score;
    this.floor = scores[0] ?? -Infinity;
  }

  /** Kept candidates, best first. */
  sorted(): { id: number; score: number }[] {
    const out: { id: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ id: this.ids[i] ?? 0, score: this.scores[i] ?? 0 });
    return out.sort((a, b) => (this.before(a.id, a.score, b.id, b.score) ? -1 : 1));
  }
}
