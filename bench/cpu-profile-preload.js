/*
 * Preloaded into an app (`NODE_OPTIONS=--require …`; node refuses --cpu-prof there) by
 * bench/hot-path.profile.ts: profiles the CPU from start and writes
 * `<CPU_PROFILE_DIR>/<pid>.cpuprofile` on the first SIGTERM (or on exit), so the stack's
 * ordinary stop collects every app's profile. CPU_PROFILE_APPS=availability,orders limits it to
 * those apps (matched against the script path); CPU_PROFILE_INTERVAL_US sets the sampling interval
 * (200 µs by default; a whole stack profiled at 200 µs runs several times slower).
 */
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.CPU_PROFILE_DIR;
const apps = (process.env.CPU_PROFILE_APPS || '').split(',').filter(Boolean);
const script = process.argv[1] || '';
if (dir && (apps.length === 0 || apps.some((app) => script.includes(`/apps/${app}/`)))) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.CPU_PROFILE_INTERVAL_US || 200) });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  };
  const onTerm = () => {
    write();
    process.removeListener('SIGTERM', onTerm);
    if (process.listenerCount('SIGTERM') === 0) process.exit(0);
  };
  process.on('SIGTERM', onTerm);
  process.on('exit', write);
}
