import protobuf from 'protobufjs';
import { decodeProtobuf, encodeProtobuf, protobufMagic } from '../../../src/sim/server/protobuf.js';
import { StatusError } from '../../../src/sim/store/errors.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx:1',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: { requests: { cpu: '100m', memory: '64Mi' } },
            readinessProbe: { httpGet: { path: '/', port: 'http' }, initialDelaySeconds: 5 },
            env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: false } } }],
          },
        ],
        volumes: [{ name: 'scratch', emptyDir: {} }],
        terminationGracePeriodSeconds: 0,
      },
    },
  },
};

describe('Kubernetes protobuf bodies', () => {
  it('round-trips a Deployment, keeping meaningful zeros, IntOrString, Quantity and empty volume sources', () => {
    const body = encodeProtobuf(deployment);
    expect(body.subarray(0, 4)).toEqual(protobufMagic);
    expect(decodeProtobuf(body)).toEqual(deployment);
  });

  it('round-trips Secret bytes as base64 and ConfigMap binaryData', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { k: Buffer.from([0, 1, 2, 255]).toString('base64') } };
    expect(decodeProtobuf(encodeProtobuf(secret))).toEqual(secret);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' }, binaryData: { bin: 'AAE=' } };
    expect(decodeProtobuf(encodeProtobuf(cm))).toEqual(cm);
  });

  it('drops the zero values Go writes for non-pointer fields (JSON would omit them)', () => {
    // Go marshals every non-pointer scalar, so empty strings, false and 0 arrive on the wire.
    const root = protobuf.parse(`syntax = "proto2";
      message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
      message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; }
      message Meta { optional string name = 1; optional string generateName = 2; }
      message NsSpec { repeated string finalizers = 1; }
      message Ns { optional Meta metadata = 1; optional NsSpec spec = 2; optional NsStatus status = 3; }
      message NsStatus { optional string phase = 1; }`).root;
    const Ns = root.lookupType('Ns');
    const raw = Ns.encode(Ns.fromObject({ metadata: { name: 'team', generateName: '' }, spec: {}, status: { phase: '' } })).finish();
    const Unknown = root.lookupType('Unknown');
    const envelope = Unknown.encode(Unknown.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'Namespace' }, raw })).finish();
    const decoded = decodeProtobuf(Buffer.concat([protobufMagic, Buffer.from(envelope)]));
    expect(decoded).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' }, spec: {}, status: {} });
  });

  it('decodes DeleteOptions and rejects kinds it has no layout for with 415', () => {
    expect(decodeProtobuf(encodeProtobuf({ kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', propagationPolicy: 'Foreground', gracePeriodSeconds: 0 }))).toEqual({
      kind: 'DeleteOptions',
      apiVersion: 'meta.k8s.io/v1',
      propagationPolicy: 'Foreground',
    });
    const root = protobuf.parse('syntax = "proto2"; message TypeMeta { optional string apiVersion = 1; optional string kind = 2; } message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; }').root;
    const Unknown = root.lookupType('Unknown');
    const envelope = Unknown.encode(Unknown.fromObject({ typeMeta: { apiVersion: 'example.com/v1', kind: 'Widget' }, raw: Buffer.alloc(0) })).finish();
    expect(() => decodeProtobuf(Buffer.concat([protobufMagic, Buffer.from(envelope)]))).toThrow(expect.objectContaining({ code: 415 }) as unknown as StatusError);
    expect(() => decodeProtobuf(Buffer.from('{"kind":"x"}'))).toThrow(/k8s protobuf prefix/);
  });
});
