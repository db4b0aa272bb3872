#!/usr/bin/env node
// Renders the Kubernetes manifests (`kubectl kustomize <dir>`, default k8s/), validates every
// object against the Kubernetes schema (kubernetes-models), and checks what the schema cannot
// know: probes and Prometheus scrape annotations on the ports and paths the apps really serve
// (read from the code), requests and limits, a PodDisruptionBudget and an HPA per Deployment,
// NATS as a 3-node JetStream cluster with file storage, MongoDB as a 3-member replica set
// written with w=majority.
// One line per object; exit 1 on any problem. Usage: node tools/check-k8s.mjs [dir]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2] ?? join(root, 'k8s'));
const read = (p) => readFileSync(join(root, p), 'utf8');

/** What the code serves, derived from the sources so a change there shows up here. */
function servedByCode() {
  const apps = readdirSync(join(root, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'e2e' && existsSync(join(root, 'apps', d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
  const bootstrap = read('libs/platform/nest/src/bootstrap.ts');
  const servicePaths = [...bootstrap.matchAll(/req\.url === '([^']+)'/g)].map((m) => m[1]);
  const healthPortDefault = Number(/HEALTH_PORT = (\d+)/.exec(read('libs/platform/nest/src/env.ts'))?.[1]);
  const gatewayMain = read('apps/gateway/src/main.ts');
  const excluded = /exclude: \[([^\]]*)\]/.exec(gatewayMain)?.[1] ?? '';
  const gatewayPaths = [...excluded.matchAll(/'([^']+)'/g)].map((m) => `/${m[1]}`);
  const gatewayPortDefault = Number(/PORT = (\d+)/.exec(read('apps/gateway/src/app/gateway-env.ts'))?.[1]);
  const gatewayMetrics = [...read('apps/gateway/src/app/http/metrics.ts').matchAll(/fastify\.get\('([^']+)'/g)].map(
    (m) => m[1],
  );
  if (
    !servicePaths.includes('/metrics') ||
    !gatewayMetrics.length ||
    !servicePaths.length ||
    !gatewayPaths.length ||
    Number.isNaN(gatewayPortDefault) ||
    Number.isNaN(healthPortDefault)
  )
    throw new Error('could not read the probe paths and ports from the code: update tools/check-k8s.mjs');
  return {
    apps,
    gateway: { portVar: 'PORT', portDefault: gatewayPortDefault, paths: gatewayPaths, metrics: gatewayMetrics },
    service: { portVar: 'HEALTH_PORT', portDefault: healthPortDefault, paths: servicePaths, metrics: ['/metrics'] },
  };
}

async function modelFor(obj) {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const path = group ? `kubernetes-models/${group}/${version}/${obj.kind}` : `kubernetes-models/${version}/${obj.kind}`;
  try {
    return (await import(path))[obj.kind];
  } catch {
    return undefined;
  }
}

const selects = (selector, labels) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v) &&
  Object.keys(selector?.matchLabels ?? {}).length > 0;

function checkContainerResources(c, problems) {
  for (const kind of ['requests', 'limits'])
    for (const r of ['cpu', 'memory'])
      if (!c.resources?.[kind]?.[r]) problems.push(`container ${c.name} has no resources.${kind}.${r}`);
}

/** Prometheus scrape annotations on the pod: on the app's port, at the path its code serves /metrics on. */
function checkScrape(app, c, annotations, code, problems) {
  const rule = app === 'gateway' ? code.gateway : code.service;
  const envValue = (c.env ?? []).find((e) => e.name === rule.portVar)?.value;
  const port = envValue === undefined ? rule.portDefault : Number(envValue);
  const a = annotations ?? {};
  if (a['prometheus.io/scrape'] !== 'true') problems.push('pod not annotated prometheus.io/scrape: "true"');
  if (Number(a['prometheus.io/port']) !== port)
    problems.push(`prometheus.io/port ${a['prometheus.io/port']} is not ${rule.portVar}=${port}`);
  if (!rule.metrics.includes(a['prometheus.io/path'] ?? '/metrics'))
    problems.push(`prometheus.io/path ${a['prometheus.io/path']} is not served (${rule.metrics.join(', ')})`);
}

function checkAppProbes(app, c, code, problems) {
  const rule = app === 'gateway' ? code.gateway : code.service;
  const envValue = (c.env ?? []).find((e) => e.name === rule.portVar)?.value;
  const port = envValue === undefined ? rule.portDefault : Number(envValue);
  if (!(port > 0)) problems.push(`${rule.portVar} is ${port}: the app serves no probes`);
  const portOf = (p) => (typeof p === 'number' ? p : (c.ports ?? []).find((x) => x.name === p)?.containerPort);
  if (!(c.ports ?? []).some((p) => p.containerPort === port))
    problems.push(`no containerPort ${port} (${rule.portVar}) declared`);
  for (const [probe, want] of [
    ['readinessProbe', '/health/ready'],
    ['livenessProbe', '/health/live'],
  ]) {
    const get = c[probe]?.httpGet;
    if (!get) {
      problems.push(`${probe} missing or not httpGet`);
      continue;
    }
    if (!rule.paths.includes(get.path))
      problems.push(`${probe} path ${get.path} is not served (${rule.paths.join(', ')})`);
    else if (get.path !== want) problems.push(`${probe} must be ${want}, not ${get.path}`);
    if (portOf(get.port) !== port) problems.push(`${probe} port ${get.port} is not ${rule.portVar}=${port}`);
  }
}

function argValue(args, flag) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) return args[i + 1] ?? '';
    if (args[i].startsWith(`${flag}=`)) return args[i].slice(flag.length + 1);
  }
  return undefined;
}

async function main() {
  const code = servedByCode();
  const rendered = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  const objects = [];
  for (const doc of parseAllDocuments(rendered)) {
    if (doc.errors.length) throw new Error(`kubectl kustomize output does not parse: ${doc.errors[0].message}`);
    const o = doc.toJS();
    if (o) objects.push(o);
  }
  const of = (kind) => objects.filter((o) => o.kind === kind);
  const results = new Map(objects.map((o) => [o, []]));
  const global = [];

  for (const o of objects) {
    const problems = results.get(o);
    const Model = await modelFor(o);
    if (!Model) problems.push(`no Kubernetes schema for ${o.apiVersion} ${o.kind}`);
    else {
      try {
        new Model(o).validate();
      } catch (err) {
        problems.push(`schema: ${String(err.message).split('\n')[0]}`);
      }
    }
    if (!o.metadata?.namespace) problems.push('no namespace');
  }

  const configEnv = Object.assign({}, ...of('ConfigMap').map((c) => c.data ?? {}));
  const secretEnv = Object.assign({}, ...of('Secret').map((s) => s.stringData ?? {}));

  const seenApps = new Set();
  for (const d of of('Deployment')) {
    const problems = results.get(d);
    const labels = d.spec?.template?.metadata?.labels;
    const containers = d.spec?.template?.spec?.containers ?? [];
    const app = code.apps.find((a) => containers.some((c) => c.name === a));
    if (!app) problems.push(`runs none of the apps (${code.apps.join(', ')})`);
    else seenApps.add(app);
    for (const c of containers) {
      checkContainerResources(c, problems);
      if (c.name === app) {
        checkAppProbes(app, c, code, problems);
        checkScrape(app, c, d.spec.template.metadata?.annotations, code, problems);
      }
    }
    const pdbs = of('PodDisruptionBudget').filter((p) => selects(p.spec?.selector, labels));
    if (pdbs.length !== 1) problems.push(`${pdbs.length} PodDisruptionBudgets select its pods (want 1)`);
    const hpas = of('HorizontalPodAutoscaler').filter(
      (h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata.name,
    );
    // A singleton (its state lives in one process: reporting) runs exactly one pod, never two at
    // once (Recreate, no autoscaler): a second consumer would split the events between them.
    if (d.metadata?.annotations?.['circulate.dev/singleton'] === 'true') {
      if (d.spec?.replicas !== 1) problems.push(`singleton with replicas ${d.spec?.replicas} (want 1)`);
      if (d.spec?.strategy?.type !== 'Recreate') problems.push('singleton without strategy Recreate');
      if (hpas.length) problems.push('singleton targeted by a HorizontalPodAutoscaler');
      continue;
    }
    if (hpas.length !== 1) problems.push(`${hpas.length} HorizontalPodAutoscalers target it (want 1)`);
    for (const h of hpas) {
      if (!(h.spec.metrics ?? []).some((m) => m.type === 'Resource' && m.resource?.name === 'cpu'))
        problems.push(`HPA ${h.metadata.name} has no CPU metric`);
      if ((h.spec.minReplicas ?? 1) < 2) problems.push(`HPA ${h.metadata.name} allows fewer than 2 replicas`);
    }
  }
  for (const a of code.apps) if (!seenApps.has(a)) global.push(`no Deployment runs the ${a} app`);
  for (const p of of('PodDisruptionBudget'))
    if (
      ![...of('Deployment'), ...of('StatefulSet')].some((w) =>
        selects(p.spec?.selector, w.spec?.template?.metadata?.labels),
      )
    )
      results.get(p).push('selects no workload');
  for (const h of of('HorizontalPodAutoscaler')) {
    const t = h.spec?.scaleTargetRef;
    if (!objects.some((o) => o.kind === t?.kind && o.metadata?.name === t?.name))
      results.get(h).push(`targets ${t?.kind}/${t?.name}, which does not exist`);
  }

  const sts = (name) => of('StatefulSet').find((s) => s.metadata?.name === name);
  const nats = sts('nats');
  if (!nats) global.push('no StatefulSet "nats"');
  else {
    const problems = results.get(nats);
    const c = nats.spec.template.spec.containers[0];
    const args = c.args ?? [];
    if (nats.spec.replicas !== 3) problems.push(`replicas ${nats.spec.replicas} (want 3)`);
    if (!args.includes('-js') && !args.includes('--jetstream')) problems.push('JetStream not enabled (-js)');
    const store = argValue(args, '-sd') ?? argValue(args, '--store_dir');
    const claims = (nats.spec.volumeClaimTemplates ?? []).map((v) => v.metadata.name);
    if (!store) problems.push('no JetStream store dir (-sd): file storage needs one');
    else if (!(c.volumeMounts ?? []).some((m) => claims.includes(m.name) && store.startsWith(m.mountPath)))
      problems.push(`JetStream store ${store} is not on a persistent volume claim`);
    const routes = (argValue(args, '--routes') ?? '').split(',').filter(Boolean);
    if (routes.length !== 3) problems.push(`${routes.length} cluster routes (want 3)`);
    if (!argValue(args, '--cluster_name')) problems.push('no --cluster_name');
    checkContainerResources(c, problems);
    const urls = (configEnv.NATS_URL ?? '').split(',').filter(Boolean);
    if (urls.length !== 3) global.push(`NATS_URL lists ${urls.length} servers (want the 3 cluster nodes)`);
  }
  const mongo = sts('mongo');
  if (!mongo) global.push('no StatefulSet "mongo"');
  else {
    const problems = results.get(mongo);
    const c = mongo.spec.template.spec.containers[0];
    if (mongo.spec.replicas !== 3) problems.push(`replicas ${mongo.spec.replicas} (want 3)`);
    const rs = argValue([...(c.command ?? []), ...(c.args ?? [])], '--replSet');
    if (!rs) problems.push('not started with --replSet');
    checkContainerResources(c, problems);
    const url = secretEnv.MONGO_URL ?? configEnv.MONGO_URL ?? '';
    const u = url ? new URL(url.replace(/^mongodb:\/\/[^/]*/, 'mongodb://hosts')) : undefined;
    const hosts = (/^mongodb:\/\/([^/?]*)/.exec(url)?.[1] ?? '').split(',').filter(Boolean);
    if (!u) global.push('no MONGO_URL in a ConfigMap or Secret');
    else {
      if (u.searchParams.get('w') !== 'majority') global.push('MONGO_URL does not write with w=majority');
      if (u.searchParams.get('replicaSet') !== rs) global.push(`MONGO_URL replicaSet is not ${rs}`);
      if (hosts.length !== 3) global.push(`MONGO_URL lists ${hosts.length} hosts (want 3)`);
    }
  }

  let failed = global.length;
  for (const [o, problems] of results) {
    const id = `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? '-'}/${o.metadata?.name}`;
    if (problems.length) {
      failed++;
      process.stdout.write(`FAIL ${id}\n${problems.map((p) => `       - ${p}\n`).join('')}`);
    } else process.stdout.write(`ok   ${id}\n`);
  }
  for (const p of global) process.stdout.write(`FAIL ${p}\n`);
  process.stdout.write(
    `${objects.length} objects from ${dir}: ${failed ? `${failed} with problems` : 'all valid'} ` +
      `(probes checked against ${code.apps.join(', ')})\n`,
  );
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`check-k8s: ${err.stack ?? err}\n`);
  process.exitCode = 1;
});
