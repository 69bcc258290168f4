import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  Optional,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply } from 'fastify';
import { UnparseableValue } from '#domain';
import { WrongExpectedRevision } from '#event-store';
import type { AppConfig } from '../config.js';
import { APP_CONFIG } from '../tokens.js';
import { storageFaultCode, storageFaultDetail } from './storage.js';

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export class ProblemException extends HttpException {
  constructor(init: { status: number; detail: string; type?: string; title?: string; errors?: FieldError[]; [extension: string]: unknown }) {
    super(problem(init.status, init.detail, init), init.status);
  }
}

function slug(status: number): string {
  return titleOf(status).toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function titleOf(status: number): string {
  const name = HttpStatus[status];
  return name ? name.charAt(0) + name.slice(1).toLowerCase().replace(/_/g, ' ') : 'Error';
}

export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  const defined = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
  return { type: `/problems/${slug(status)}`, title: titleOf(status), ...defined, status, detail };
}

/**
 * Answers what Node's HTTP parser refuses before there is a request to route (a request that did
 * not arrive within the request timeout, headers too large, bytes that are not HTTP), as
 * problem+json written to the socket, which is then closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const body =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? problem(408, 'The request did not arrive in time: its headers and body must be sent within the request timeout.', { errors: [{ field: 'request', message: 'arrived too slowly' }] })
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? problem(431, 'The request headers are larger than the server accepts.', { errors: [{ field: 'headers', message: 'too large' }] })
        : problem(400, 'The request is not valid HTTP/1.1.', { errors: [{ field: 'request', message: 'is malformed' }] });
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${body.status} ${STATUS_CODES[body.status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** The global pipe: unknown fields are refused and every failure names its field. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return new ProblemException({
        type: '/problems/validation-failed',
        title: 'Validation failed',
        status: 400,
        detail: fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; '),
        errors: fieldErrors,
      });
    },
  });
}

/** Errors that name a field of the request, e.g. the domain's refusals. */
interface FieldedError extends Error {
  kind?: string;
  field?: string;
}

const KIND_STATUS: Record<string, number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  unprocessable: 422,
};

/** How long a client is asked to wait before retrying after a storage fault (503). */
export const STORAGE_RETRY_AFTER_SECONDS = 10;

/**
 * Turns every error into application/problem+json; only unexpected errors are 5xx. A storage fault
 * (disk full, read-only or failing data dir) is a 503 that says which, with Retry-After: the
 * request was fine and may be retried with its Idempotency-Key once the fault is gone.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(@Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toProblem(exception);
    // A ProblemException is an answer the code chose (e.g. "not ready"), not a fault: its stack says
    // nothing, and a load balancer polling /health would print it on every poll.
    if (body.status >= 500 && !(exception instanceof ProblemException)) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    const retryAfter = typeof body.retryAfter === 'number' ? body.retryAfter : body.status === 503 ? STORAGE_RETRY_AFTER_SECONDS : undefined;
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    void reply.status(body.status).header('content-type', 'application/problem+json; charset=utf-8').send(body);
  }

  toProblem(exception: unknown): Problem {
    if (exception instanceof WrongExpectedRevision) {
      return problem(412, `The claim changed: it is at revision ${exception.actual}, not ${String(exception.expected)}. Read it again and retry with If-Match: "${exception.actual}".`, {
        currentRevision: exception.actual,
      });
    }
    if (exception instanceof UnparseableValue) {
      const field = (exception as FieldedError).field ?? 'text';
      return problem(400, exception.message, { type: '/problems/unparseable-value', title: 'Unparseable value', errors: [{ field, message: exception.message }] });
    }
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    const fielded = exception as FieldedError;
    if (fielded && typeof fielded.kind === 'string' && fielded.kind in KIND_STATUS) {
      const status = KIND_STATUS[fielded.kind]!;
      return problem(status, fielded.message, fielded.field ? { errors: [{ field: fielded.field, message: fielded.message }] } : {});
    }
    const storage = storageFaultCode(exception);
    if (storage !== undefined) {
      return problem(503, storageFaultDetail(storage, (exception as Error).message, this.config?.store.dataDir), { type: '/problems/storage-unavailable', title: 'Storage unavailable' });
    }
    const fastify = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastify?.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
      return this.fromFastifyError(fastify.statusCode, fastify.code, fastify.message ?? '');
    }
    return problem(500, 'An unexpected error occurred; it has been logged.');
  }

  private fromHttpException(exception: HttpException): Problem {
    // Nest's Fastify error handler wraps what Fastify refused (body too large, wrong media type) in
    // an HttpException: answer from the original, which says which.
    const cause = exception.cause as (Error & { statusCode?: unknown; code?: unknown }) | undefined;
    if (cause instanceof Error && typeof cause.statusCode === 'number' && typeof cause.code === 'string') {
      return this.fromFastifyError(cause.statusCode, cause.code, cause.message);
    }
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response && 'type' in response && 'status' in response) return response as Problem;
    if (exception instanceof BadRequestException && typeof response === 'object' && response && 'message' in response) {
      const message = (response as { message: unknown }).message;
      return problem(status, Array.isArray(message) ? message.join('; ') : String(message));
    }
    const detail = typeof response === 'string' ? response : ((response as { message?: unknown })?.message ?? exception.message);
    return problem(status, Array.isArray(detail) ? detail.join('; ') : String(detail));
  }

  private fromFastifyError(status: number, code: string | undefined, message: string): Problem {
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return problem(413, 'The request body is larger than the server accepts.', { errors: [{ field: 'body', message }] });
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return problem(415, 'Send the body as application/json.', { errors: [{ field: 'body', message }] });
    if (code?.startsWith('FST_ERR_CTP') || message.includes('JSON')) return problem(400, `The body is not valid JSON: ${message}`, { errors: [{ field: 'body', message }] });
    if (code === 'FST_ERR_BAD_URL') return problem(400, `The URL is malformed: ${message}`, { errors: [{ field: 'url', message: 'is not a valid URL (bad percent-encoding?)' }] });
    return problem(status, message);
  }
}
