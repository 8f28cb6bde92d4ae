/**
 * Kubernetes API errors as the simulator raises them. The HTTP layer turns a StatusError into a meta/v1 Status
 * body with the same code, so every part of the simulator can throw and the client sees what a real server sends.
 */
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'UnsupportedMediaType'
  | 'Expired'
  | 'Gone'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'Forbidden'
  | 'Unauthorized'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable';

/** Details naming the object an error is about. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: Array<{ reason?: string; message?: string; field?: string }>;
  retryAfterSeconds?: number;
}

/** An API error with its HTTP code and Kubernetes reason. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'StatusError';
  }

  /** The meta/v1 Status body a real API server sends for this error. */
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `<kind> "<name>" not found`, as the API server words it (group-qualified resource, e.g. `deployments.apps`). */
export function notFound(resource: string, name: string, group = '', kind?: string): StatusError {
  return new StatusError(404, 'NotFound', `${resource} "${name}" not found`, { name, group, kind: kind ?? resource.split('.')[0] });
}

/** 409 AlreadyExists for a create of an existing object. */
export function alreadyExists(resource: string, name: string, group = '', kind?: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, group, kind: kind ?? resource.split('.')[0] });
}

/** 409 Conflict for an update with a stale resourceVersion. */
export function conflict(resource: string, name: string, group = '', kind?: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: kind ?? resource.split('.')[0] },
  );
}

/** 422 Invalid with field causes. */
export function invalid(kind: string, name: string, causes: Array<{ field: string; message: string }>, group = ''): StatusError {
  const text = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return new StatusError(422, 'Invalid', `${kind} "${name}" is invalid: ${text}`, {
    name,
    group,
    kind,
    causes: causes.map((c) => ({ reason: 'FieldValueInvalid', message: c.message, field: c.field })),
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}
