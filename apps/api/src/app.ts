import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import rateLimit from '@fastify/rate-limit';
import { LogController, type FastifyBaseLogger, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { loadSeeds, type SeedReport } from '#claims';
import { EVENT_STORE, lockDataDir, type DataDirLock, type EventStore } from '#event-store';
import { Projections } from '#projections';
import { AppModule } from './app.module.js';
import { ApiKeyRing, loadOrCreateApiKeys, type ApiKey } from './auth/api-keys.js';
import type { AppConfig } from './config.js';
import { createLogger, PinoNestLogger } from './http/logger.js';
import { jsonBodyParser } from './http/json-body.js';
import { answerClientError, ProblemFilter, validationPipe } from './http/problem.js';
import { API_SECURITY_HEADERS, apiSecurityHeaders, pageSecurityHeaders } from './http/security-headers.js';

/** The repository root, found from this file so it works from src (jest) and from dist. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nest-cli.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (nest-cli.json)');
    dir = parent;
  }
  return dir;
}

export interface CreatedApp {
  app: NestFastifyApplication;
  /** Keys generated on this start (to print once); empty when they came from env or file. */
  generatedKeys: ApiKey[];
  /** What the seed load wrote, when the store was empty and seeding is on. */
  seeded: SeedReport | null;
}

export async function createApp(config: AppConfig, options: { logger?: boolean; logDestination?: DestinationStream } = {}): Promise<CreatedApp> {
  // Before anything in the data dir is opened: a second server or a CLI command that writes there
  // is refused here, naming the holder, instead of starting beside this one.
  const lock = lockDataDir(config.store.dataDir, 'the claimline API server');
  try {
    return await createLockedApp(config, options, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function createLockedApp(config: AppConfig, options: { logger?: boolean; logDestination?: DestinationStream }, lock: DataDirLock): Promise<CreatedApp> {
  const { keys, generated } = loadOrCreateApiKeys(config.apiKeys, config.store.dataDir);
  const logger = createLogger(options.logger === false ? 'silent' : config.logLevel, options.logDestination);
  const filter = new ProblemFilter(config);
  const securityHeaders = apiSecurityHeaders();
  const requestLogging = config.logLevel === 'debug' || config.logLevel === 'trace';
  const adapter = new FastifyAdapter({
    // No Nest middleware is used: without middie, a request does not pass through its hook (a
    // thirtieth of a GET /claims/:id).
    skipMiddie: true,
    bodyLimit: config.bodyLimit,
    // A client that sends its request slowly (or stops mid-body) gets a 408 once the request
    // timeout has passed; Node checks open connections every `connectionsCheckingInterval` ms.
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(60_000, config.requestTimeoutMs),
      connectionsCheckingInterval: Math.max(100, Math.min(1000, config.requestTimeoutMs / 4)),
    },
    clientErrorHandler: answerClientError,
    trustProxy: config.trustProxy,
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: !requestLogging }),
    // Without request logging nothing logs per request, and a child logger for each (its bindings
    // serialized) was a hundredth of a GET's work: requests log through the server's logger.
    ...(requestLogging ? {} : { childLoggerFactory: (parent: FastifyBaseLogger) => parent }),
    // The router refuses a malformed URL before any handler runs: answer it as problem+json too.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const body = filter.toProblem(error);
      void reply.status(body.status).headers(securityHeaders).header('content-type', 'application/problem+json; charset=utf-8').send(body);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config, keyRing: new ApiKeyRing(keys), lock }), adapter, {
    logger: options.logger === false ? false : new PinoNestLogger(logger),
  });
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimit }, jsonBodyParser(app.getHttpAdapter().getInstance()));
  if (config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      // Health checks (a load balancer's, an orchestrator's) must not be refused, nor use up a client's budget.
      allowList: (request) => request.routeOptions.url === '/health',
      // Thrown to Nest's error handler, whose ProblemFilter answers it as problem+json.
      errorResponseBuilder: (_req, context) => Object.assign(new Error(`Too many requests: at most ${context.max} a minute; retry after ${context.after}.`), { statusCode: 429 }),
    });
  }
  // Security headers (Nest's built-in, helmet's): OWASP's REST set on every answer, helmet's full
  // set on pages (the UI and /docs load only their own scripts, and nothing may frame them).
  app.useSecurityHeaders(API_SECURITY_HEADERS);
  app.getHttpAdapter().getInstance().addHook('onSend', pageSecurityHeaders());
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('claimline')
      .setDescription('Event-sourced timelines of sourced claims: sources, claims, assertions, relations, discrepancies.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  const publicDir = join(projectRoot(), 'apps', 'api', 'public');
  if (existsSync(publicDir)) app.useStaticAssets({ root: publicDir, prefix: '/', wildcard: false, index: 'index.html' });

  await app.init();
  let seeded: SeedReport | null = null;
  const store = app.get<EventStore>(EVENT_STORE);
  if (config.seed && (await store.headPosition()) === -1) {
    seeded = await loadSeeds(app.get(CommandBus), store, config.seedDir);
    await app.get(Projections).runner.waitFor(await store.headPosition(), 60_000);
  }
  return { app, generatedKeys: generated ? keys : [], seeded };
}
