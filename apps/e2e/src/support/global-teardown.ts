// eslint-disable-next-line @nx/enforce-module-boundaries
import type { StartedServer } from '../../../../libs/platform/stack/src';

export default async function globalTeardown(): Promise<void> {
  const servers = ((globalThis as Record<string, unknown>)['__circulateServers'] ?? []) as StartedServer[];
  for (const s of servers.reverse()) await s.stop();
}
