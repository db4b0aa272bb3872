/**
 * Dinic's max-flow on a small graph. Adjacency lists keep insertion order, so the search tries
 * edges in the order they were added: callers add preferred edges first.
 */
export class FlowGraph {
  private readonly adj: number[][] = [];
  private readonly to: number[] = [];
  private readonly cap: number[] = [];
  private readonly original: number[] = [];
  private level: Int32Array = new Int32Array(0);
  private iter: Int32Array = new Int32Array(0);

  get nodeCount(): number {
    return this.adj.length;
  }

  addNode(): number {
    this.adj.push([]);
    return this.adj.length - 1;
  }

  /** Adds an edge and returns its id. */
  addEdge(from: number, to: number, capacity: number): number {
    const id = this.to.length;
    this.to.push(to, from);
    this.cap.push(capacity, 0);
    this.original.push(capacity, 0);
    this.adj[from].push(id);
    this.adj[to].push(id + 1);
    return id;
  }

  /** Sets an edge's capacity; takes effect at the next `reset()`. */
  setCapacity(edge: number, capacity: number): void {
    this.original[edge] = capacity;
  }

  /** Clears every flow (capacities back to what was set). */
  reset(): void {
    for (let i = 0; i < this.cap.length; i++) this.cap[i] = this.original[i];
  }

  /** Flow currently on an edge. */
  flow(edge: number): number {
    return this.original[edge] - this.cap[edge];
  }

  maxFlow(source: number, sink: number): number {
    const n = this.adj.length;
    if (this.level.length < n) {
      this.level = new Int32Array(n);
      this.iter = new Int32Array(n);
    }
    let total = 0;
    while (this.bfs(source, sink)) {
      this.iter.fill(0);
      let f: number;
      while ((f = this.dfs(source, sink, Infinity)) > 0) total += f;
    }
    return total;
  }

  private bfs(source: number, sink: number): boolean {
    const level = this.level;
    level.fill(-1);
    level[source] = 0;
    const queue = [source];
    for (let h = 0; h < queue.length; h++) {
      const u = queue[h];
      for (const e of this.adj[u]) {
        const v = this.to[e];
        if (this.cap[e] > 0 && level[v] < 0) {
          level[v] = level[u] + 1;
          queue.push(v);
        }
      }
    }
    return level[sink] >= 0;
  }

  private dfs(u: number, sink: number, limit: number): number {
    if (u === sink) return limit;
    const edges = this.adj[u];
    for (; this.iter[u] < edges.length; this.iter[u]++) {
      const e = edges[this.iter[u]];
      const v = this.to[e];
      if (this.cap[e] > 0 && this.level[v] === this.level[u] + 1) {
        const d = this.dfs(v, sink, Math.min(limit, this.cap[e]));
        if (d > 0) {
          this.cap[e] -= d;
          this.cap[e ^ 1] += d;
          return d;
        }
      }
    }
    return 0;
  }
}
