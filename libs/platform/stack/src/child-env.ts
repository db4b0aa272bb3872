/**
 * The environment for a child process of the launcher or the test harness: this process's
 * own, less the settings that only its loader needed. `npm start` and `npm run bench` run
 * under ts-node with TS_NODE_PROJECT pointing at a tools/ or bench/ tsconfig; inherited, it
 * made every webpack build in the child `nx run-many` look for that file relative to each
 * app (tsconfig-paths honours it) and fail on a clean checkout.
 */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('TS_NODE_') || name === 'TS_NODE') continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}
