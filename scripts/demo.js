#!/usr/bin/env node
// `npm run demo`: placeholder until the embedded Kubernetes simulator (kube-sim) and `upgrade` land.
console.log('helm-autorollback demo: the embedded Kubernetes simulator is not there yet; nothing to show.');
