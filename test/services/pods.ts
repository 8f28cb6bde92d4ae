/** The bare Pod `web` the service tests roll out: its manifest and its live states, by image tag. */
import { at, NS, pod, running, waiting } from '../domain/fixtures.js';

/** A bare Pod `web` running `registry.example.com/app:<tag>`. */
export const podManifest = (tag: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: ${NS}\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/app:${tag}\n`;

const withImage = (p: ReturnType<typeof pod>, tag: string) => ({ ...p, spec: { ...p.spec, containers: [{ name: 'app', image: `registry.example.com/app:${tag}` }] } });

/** The live Pod `web` of `tag`, running and ready. */
export const readyPod = (tag: string) => withImage(pod({ name: 'web', containers: [{ ...running('app', at(3)), image: `registry.example.com/app:${tag}` }] }), tag);

/** The live Pod `web` of `tag`, stuck in ImagePullBackOff. */
export const pullingPod = (tag: string) => withImage(pod({ name: 'web', containers: [waiting('app', 'ImagePullBackOff', 'Back-off pulling image')] }), tag);
