import { spawn } from 'node:child_process';
import { APPS } from './apps';
import { childEnv } from './child-env';

/** Builds what is stale (Nx caches the rest), showing Nx's own progress. */
export function buildApps(repoRoot: string, stdio: 'inherit' | 'ignore' = 'inherit'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['nx', 'run-many', '-t', 'build', '-p', APPS.join(','), '--output-style=stream'], {
      cwd: repoRoot,
      stdio: ['ignore', stdio, stdio],
      env: childEnv({ NX_DAEMON: 'false', NX_NO_CLOUD: 'true' }),
    });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`nx build exited ${code}`))));
  });
}
