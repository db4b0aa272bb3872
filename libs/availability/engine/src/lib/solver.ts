import { FlowGraph } from './flow';

/**
 * The assignment problem behind a listing: rules that need units, and sources (a class of
 * interchangeable single units, or one pool) that can give units to some of the rules.
 */
export interface CapacitySource<T> {
  readonly ref: T;
  /** Per rule: how many units this source can give that rule (0 = none). */
  readonly caps: readonly number[];
  /**
   * Per window group: cap on the total given to the rules of that group. Set only for a pool
   * used by rules with different blocked windows (different buffers); see `engine.ts`.
   */
  readonly groupCaps?: readonly number[];
  /** Cap on the total this source gives to all rules together. */
  readonly nodeCap: number;
}

export interface AssignmentProblem<T> {
  /** Units each rule needs per copy of the listing. */
  readonly ruleQuantities: readonly number[];
  /** Window group of each rule (rules with equal buffers share a group). */
  readonly groupOf: readonly number[];
  readonly sources: readonly CapacitySource<T>[];
}

/** Units free for each rule, counted independently of the other rules. */
export function freePerRule<T>(problem: AssignmentProblem<T>): number[] {
  const free = problem.ruleQuantities.map(() => 0);
  for (const s of problem.sources) for (let r = 0; r < free.length; r++) free[r] += s.caps[r];
  return free;
}

/** True when no source can serve two rules: then every rule is its own problem. */
export function isIndependent<T>(problem: AssignmentProblem<T>): boolean {
  for (const s of problem.sources) {
    let used = 0;
    for (const c of s.caps) if (c > 0 && ++used > 1) return false;
  }
  return true;
}

/** Upper bound on copies: each rule's free units / its quantity. Exact when independent. */
export function quantityBound<T>(problem: AssignmentProblem<T>, free = freePerRule(problem)): number {
  let k = Infinity;
  problem.ruleQuantities.forEach((q, r) => {
    k = Math.min(k, Math.floor(free[r] / q));
  });
  return k === Infinity ? 0 : k;
}

class Network<T> {
  readonly graph = new FlowGraph();
  readonly source: number;
  readonly sink: number;
  private readonly demandEdges: number[];
  /** ruleEdges[s][r]: edge id from rule r to source s, or -1. */
  readonly ruleEdges: number[][];

  constructor(readonly problem: AssignmentProblem<T>) {
    const g = this.graph;
    this.source = g.addNode();
    this.sink = g.addNode();
    const ruleNodes = problem.ruleQuantities.map(() => g.addNode());
    this.demandEdges = ruleNodes.map((node) => g.addEdge(this.source, node, 0));
    this.ruleEdges = problem.sources.map((s) => {
      const edges = s.caps.map(() => -1);
      if (s.nodeCap <= 0) return edges;
      const node = g.addNode();
      g.addEdge(node, this.sink, s.nodeCap);
      const groupNodes = new Map<number, number>();
      s.caps.forEach((cap, r) => {
        if (cap <= 0) return;
        let target = node;
        if (s.groupCaps) {
          const group = problem.groupOf[r];
          let gn = groupNodes.get(group);
          if (gn === undefined) {
            gn = g.addNode();
            g.addEdge(gn, node, s.groupCaps[group]);
            groupNodes.set(group, gn);
          }
          target = gn;
        }
        edges[r] = g.addEdge(ruleNodes[r], target, cap);
      });
      return edges;
    });
  }

  /** Runs max-flow with every rule demanding `copies` × its quantity; true when all are met. */
  feasible(copies: number): boolean {
    let demand = 0;
    this.problem.ruleQuantities.forEach((q, r) => {
      this.graph.setCapacity(this.demandEdges[r], copies * q);
      demand += copies * q;
    });
    this.graph.reset();
    return this.graph.maxFlow(this.source, this.sink) === demand;
  }
}

/**
 * The largest number of listing copies whose rules can all be served at once, no unit counted
 * twice: binary search over copies, each step a max-flow (skipped when rules are independent).
 */
export function maxCopies<T>(problem: AssignmentProblem<T>): number {
  const hi = quantityBound(problem);
  if (hi === 0 || isIndependent(problem)) return hi;
  const net = new Network(problem);
  if (net.feasible(hi)) return hi;
  let lo = 0;
  let top = hi - 1;
  while (lo < top) {
    const mid = (lo + top + 1) >> 1;
    if (net.feasible(mid)) lo = mid;
    else top = mid - 1;
  }
  return lo;
}

/**
 * Units each source gives each rule for `copies` copies (`[source][rule]`), or null when they
 * do not fit. Edges are tried in source order, so earlier sources are preferred.
 */
export function assign<T>(problem: AssignmentProblem<T>, copies: number): number[][] | null {
  const net = new Network(problem);
  if (!net.feasible(copies)) return null;
  return net.ruleEdges.map((edges) => edges.map((e) => (e < 0 ? 0 : net.graph.flow(e))));
}
