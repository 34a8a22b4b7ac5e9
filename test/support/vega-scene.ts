/**
 * A chart spec drawn in Node the way the browser draws it (public/charts.js): compiled by
 * vega-lite, parsed by vega with `ast: true` and run by vega-interpreter (no eval), headless. What
 * comes out is the scene: the items of each named mark and the labels of each axis, and every
 * message vega-lite and vega logged on the way.
 */
import * as vega from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';

type Logger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;

/** A logger that keeps every message (vega-lite's default one prints warnings and goes on). */
function collectingLogger(messages: string[]): Logger {
  let level = 0;
  const logger: Logger = {
    level(value?: number) {
      if (value === undefined) return level as never;
      level = value;
      return logger as never;
    },
    error: (...args: readonly unknown[]) => (messages.push(`error: ${args.join(' ')}`), logger),
    warn: (...args: readonly unknown[]) => (messages.push(`warn: ${args.join(' ')}`), logger),
    info: (...args: readonly unknown[]) => (messages.push(`info: ${args.join(' ')}`), logger),
    debug: () => logger,
  } as Logger;
  return logger;
}

// In Node there is no window, so the container-width signal cannot listen to its resize events.
const NODE_ONLY = 'warn: Can not resolve event source: window';

/** What the tests read of a drawn item (vega's Item type leaves out the encoded properties). */
export interface SceneItem {
  datum: Record<string, unknown>;
  tooltip?: unknown;
  size?: number;
  fill?: string;
}

export interface Scene {
  /** Messages of vega-lite's compiler. */
  compileMessages: string[];
  /** Messages of the vega runtime, but for the one about `window` that only Node gives. */
  runtimeMessages: string[];
  /** The scene items of each mark of the spec, by mark name (`marks`, `layer_1_marks` …). */
  marks: Map<string, SceneItem[]>;
  /** The labels of each axis, in the order vega draws the axes; a multi-line label is an array. */
  axisLabels: unknown[][];
  /** The labels of each legend. */
  legendLabels: unknown[][];
}

interface SceneNode {
  marktype?: string;
  role?: string;
  name?: string;
  items?: SceneNode[];
  text?: unknown;
}

export async function drawScene(spec: TopLevelSpec, width: number): Promise<Scene> {
  const compileMessages: string[] = [];
  // A copy: vega marks the data objects it ingests, and the caller still holds the spec.
  const compiled = compile(structuredClone(spec), { logger: collectingLogger(compileMessages) }).spec;
  const runtimeMessages: string[] = [];
  const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), {
    renderer: 'none',
    expr: expressionInterpreter,
    logger: collectingLogger(runtimeMessages) as vega.LoggerInterface,
    logLevel: vega.Info,
  });
  view.width(width);
  await view.runAsync();

  const marks = new Map<string, SceneItem[]>();
  const axisLabels: unknown[][] = [];
  const legendLabels: unknown[][] = [];
  const walk = (node: SceneNode, legend: unknown[] | null): void => {
    let inLegend = legend;
    if (node.marktype) {
      const items = node.items ?? [];
      if (node.role === 'mark' && node.name) marks.set(node.name, items as unknown as SceneItem[]);
      if (node.role === 'axis-label') axisLabels.push(items.map((item) => item.text));
      // A legend lays out each entry in a group of its own: gather the labels per legend.
      if (node.role === 'legend') legendLabels.push((inLegend = []));
      if (node.role === 'legend-label') inLegend?.push(...items.map((item) => item.text));
    }
    for (const child of node.items ?? []) walk(child, inLegend);
  };
  walk((view.scenegraph() as unknown as { root: SceneNode }).root, null);
  view.finalize();
  return { compileMessages, runtimeMessages: runtimeMessages.filter((m) => m !== NODE_ONLY), marks, axisLabels, legendLabels };
}
