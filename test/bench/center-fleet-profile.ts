/**
 * Where a V8 CPU profile's time went (center-fleet.ts --cpu-prof): self time grouped by package
 * (node_modules), the center's own source file, Node's internals, or V8's own entries (garbage
 * collector, program), largest first, idle left out.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function groupOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName || '(anonymous)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node internals (${url.replace(/^node:(internal\/)?/, '').split('/')[0]})`;
  const ours = /\/((?:apps|packages)\/[^/]+\/src\/.*)$/.exec(url);
  return ours ? ours[1]! : url;
}

export function summarizeProfile(profile: CpuProfile, top = 15): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    const us = profile.timeDeltas[i] ?? 0;
    totalUs += us;
    const group = groupOf(node);
    selfUs.set(group, (selfUs.get(group) ?? 0) + us);
  });
  const lines = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([group, us]) => `  ${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${group}`);
  return [`  busy ${(totalUs / 1000).toFixed(0)} ms (idle left out); self time by where it ran:`, ...lines].join('\n');
}
