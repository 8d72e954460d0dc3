// A binary heap, for sweeps that must know which of many open intervals ends first (the report's
// address-map lanes, check's region sweep) without scanning them all at every step.
/** A binary heap: the least element by `less` at the top. */
export class Heap<T> {
  private readonly xs: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.xs.length;
  }
  peek(): T | undefined {
    return this.xs[0];
  }
  push(x: T): void {
    const xs = this.xs;
    let i = xs.push(x) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.less(xs[i], xs[up])) break;
      [xs[i], xs[up]] = [xs[up], xs[i]];
      i = up;
    }
  }
  pop(): T | undefined {
    const xs = this.xs;
    const top = xs[0];
    const last = xs.pop();
    if (xs.length && last !== undefined) {
      xs[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < xs.length && this.less(xs[l], xs[m])) m = l;
        if (r < xs.length && this.less(xs[r], xs[m])) m = r;
        if (m === i) break;
        [xs[i], xs[m]] = [xs[m], xs[i]];
        i = m;
      }
    }
    return top;
  }
}
