/**
 * Updates a real API server refuses, sent by the real kubectl apply: these are the "field is immutable" /
 * "Forbidden" failures helm upgrades run into on real clusters (changed Deployment selector, changed Job template,
 * StatefulSet fields other than the updatable ones, Pod spec changes), plus two create-time validations.
 * See /work/notes/sim-bugs.md "immutable fields".
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, withSim, type TestSim } from '../helpers.js';
import { failed, ok } from './support.js';

let sim: TestSim;
beforeAll(async () => {
  sim = await withSim({ workloads: false });
});
afterAll(async () => {
  await sim.stop();
});

let n = 0;
function apply(yaml: string) {
  const file = join(sim.dir, `m${n++}.yaml`);
  writeFileSync(file, yaml);
  return kubectl(sim, ['apply', '-f', file]);
}

const deployment = (app: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}}
    spec: {containers: [{name: c, image: nginx:1.27}]}
`;
const job = (image: string) => `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: ${image}}]
`;
const statefulSet = (serviceName: string, image = 'nginx:1.27') => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: st}
spec:
  serviceName: ${serviceName}
  selector: {matchLabels: {app: st}}
  template:
    metadata: {labels: {app: st}}
    spec: {containers: [{name: c, image: ${image}}]}
`;
const pod = (image: string, port: number) => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: c, image: ${image}, ports: [{containerPort: ${port}}]}]}
`;

it('a Deployment selector is immutable', async () => {
  ok(await apply(deployment('a')));
  expect(failed(await apply(deployment('b')))).toMatch(/^The Deployment "d" is invalid: spec\.selector: Invalid value: .*field is immutable/);
});

it("a Job's pod template is immutable", async () => {
  ok(await apply(job('busybox:1.36')));
  expect(failed(await apply(job('busybox:1.37')))).toMatch(/^The Job "j" is invalid: spec\.template: Invalid value: .*field is immutable/);
});

it('a StatefulSet allows template changes but not serviceName changes', async () => {
  ok(await apply(statefulSet('x')));
  ok(await apply(statefulSet('x', 'nginx:1.28')));
  expect(failed(await apply(statefulSet('other')))).toMatch(
    /^The StatefulSet "st" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden/,
  );
});

it("a Pod's image may change, its ports may not", async () => {
  ok(await apply(pod('nginx:1.27', 80)));
  ok(await apply(pod('nginx:1.28', 80)));
  expect(failed(await apply(pod('nginx:1.28', 81)))).toMatch(/^The Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`/);
});

it('a Deployment whose selector does not match its template labels is rejected', async () => {
  const bad = `apiVersion: apps/v1
kind: Deployment
metadata: {name: mismatch}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: c, image: nginx:1.27}]}
`;
  expect(failed(await apply(bad))).toMatch(/^The Deployment "mismatch" is invalid: spec\.template\.metadata\.labels: Invalid value: map\[string\]string\{"app":"other"\}: `selector` does not match template `labels`/);
});

it('a container without an image is rejected', async () => {
  const bad = `apiVersion: v1
kind: Pod
metadata: {name: noimage}
spec: {containers: [{name: c}]}
`;
  expect(failed(await apply(bad))).toMatch(/^The Pod "noimage" is invalid: spec\.containers\[0\]\.image: Required value/);
});
