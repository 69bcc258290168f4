/**
 * A stand-in for an EventStoreDB node, for tests only: it speaks the gRPC protocol of
 * `@eventstore/db-client` (the service definitions that package ships, generated from the server's
 * protocol files) over an insecure channel on 127.0.0.1, and keeps its log in memory.
 *
 * It implements what claimline's adapter uses and what the client calls to connect; see README.md
 * in this folder for the list, and for what it leaves out. It is not EventStoreDB.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Grpc from '@grpc/grpc-js';
import type * as StreamsGrpcPb from '@eventstore/db-client/generated/streams_grpc_pb.js';
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type * as SharedPb from '@eventstore/db-client/generated/shared_pb.js';
import type * as StatusPb from '@eventstore/db-client/generated/status_pb.js';
import type * as ServerFeaturesGrpcPb from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import type * as ServerFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import type * as GossipGrpcPb from '@eventstore/db-client/generated/gossip_grpc_pb.js';
import type * as GossipPb from '@eventstore/db-client/generated/gossip_pb.js';
import type * as AnyPb from 'google-protobuf/google/protobuf/any_pb.js';
import type * as EmptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import {
  InvalidEventIdError,
  InvalidPositionError,
  MaxAppendSizeExceededError,
  StandInLog,
  matches,
  type AllFrom,
  type EventFilter,
  type ProposedEvent,
  type StandInExpected,
  type StandInLogOptions,
  type StoredEvent,
} from './stand-in-log.js';

// Load the generated code and @grpc/grpc-js from the client package's own location, so the server
// uses the very service definitions and gRPC library instance the client resolves.
const clientRequire = createRequire(createRequire(import.meta.url).resolve('@eventstore/db-client'));
const grpc = clientRequire('@grpc/grpc-js') as typeof Grpc;
const streamsGrpc = clientRequire('../generated/streams_grpc_pb.js') as typeof StreamsGrpcPb;
const streamsPb = clientRequire('../generated/streams_pb.js') as typeof StreamsPb;
const sharedPb = clientRequire('../generated/shared_pb.js') as typeof SharedPb;
const statusPb = clientRequire('../generated/status_pb.js') as typeof StatusPb;
const featuresGrpc = clientRequire('../generated/serverfeatures_grpc_pb.js') as typeof ServerFeaturesGrpcPb;
const featuresPb = clientRequire('../generated/serverfeatures_pb.js') as typeof ServerFeaturesPb;
const gossipGrpc = clientRequire('../generated/gossip_grpc_pb.js') as typeof GossipGrpcPb;
const gossipPb = clientRequire('../generated/gossip_pb.js') as typeof GossipPb;
const anyPb = clientRequire('google-protobuf/google/protobuf/any_pb.js') as typeof AnyPb;
const emptyPb = clientRequire('google-protobuf/google/protobuf/empty_pb.js') as typeof EmptyPb;

type ReadReq = StreamsPb.ReadReq;
type ReadResp = StreamsPb.ReadResp;
const { ReadReq, ReadResp, AppendReq, AppendResp, BatchAppendResp } = streamsPb;

/** "No position" as the server encodes it: -1 cast to an unsigned 64-bit integer. */
const NO_POSITION = (2n ** 64n - 1n).toString();
/** How many events a filtered subscription may pass over before it sends a checkpoint. */
const CHECKPOINT_WINDOW = 32;
const FAILED_PRECONDITION = 9;
const INVALID_ARGUMENT = 3;

export interface StandInOptions extends StandInLogOptions {
  /** Announce BatchAppend in ServerFeatures (as 21.10+ servers do), so the client uses it. Default true. */
  batchAppend?: boolean;
  /** Report event positions on stream reads (22.x+ servers do for self-committed events). Default true. */
  streamReadPositions?: boolean;
  /** Where log lines go; silent by default. */
  log?: (line: string) => void;
}

export interface StandInHandle {
  /** Connection string for `EventStoreDBClient.connectionString`. */
  url: string;
  port: number;
  log: StandInLog;
  stop(): Promise<void>;
}

export class EventStoreDbStandIn {
  readonly log: StandInLog;
  private readonly server: Grpc.Server;
  private readonly options: StandInOptions;
  private readonly liveCalls = new Set<Grpc.ServerWritableStream<ReadReq, ReadResp>>();
  private port = 0;

  constructor(options: StandInOptions = {}) {
    this.options = options;
    this.log = new StandInLog(options);
    // The server accepts messages up to its largest record (16 MiB); grpc-js would stop at 4 MiB.
    this.server = new grpc.Server({ 'grpc.max_receive_message_length': 17 * 1024 * 1024 });
    this.server.addService(streamsGrpc.StreamsService, {
      read: (call: Grpc.ServerWritableStream<ReadReq, ReadResp>) => this.read(call),
      append: (
        call: Grpc.ServerReadableStream<StreamsPb.AppendReq, StreamsPb.AppendResp>,
        callback: Grpc.sendUnaryData<StreamsPb.AppendResp>,
      ) => this.append(call, callback),
      batchAppend: (call: Grpc.ServerDuplexStream<StreamsPb.BatchAppendReq, StreamsPb.BatchAppendResp>) =>
        this.batchAppend(call),
    });
    this.server.addService(featuresGrpc.ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: Grpc.sendUnaryData<ServerFeaturesPb.SupportedMethods>) =>
        callback(null, this.supportedMethods()),
    });
    this.server.addService(gossipGrpc.GossipService, {
      read: (_call: unknown, callback: Grpc.sendUnaryData<GossipPb.ClusterInfo>) => callback(null, this.clusterInfo()),
    });
  }

  async start(): Promise<StandInHandle> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    this.say(`listening on 127.0.0.1:${this.port} (insecure, in memory)`);
    return { url: `esdb://127.0.0.1:${this.port}?tls=false`, port: this.port, log: this.log, stop: () => this.stop() };
  }

  private stopping?: Promise<void>;

  /** Ends live subscriptions (as a node shutting down does) and closes the port. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    for (const call of this.liveCalls) call.emit('error', grpcError(grpc.status.UNAVAILABLE, 'Server is shutting down'));
    this.liveCalls.clear();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 500);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.say('stopped');
  }

  private say(line: string): void {
    this.options.log?.(`[eventstoredb-stand-in] ${line}`);
  }

  // --- connection -------------------------------------------------------------------------------

  private supportedMethods(): ServerFeaturesPb.SupportedMethods {
    const methods = new featuresPb.SupportedMethods();
    methods.setEventStoreServerVersion('24.10.0-claimline-stand-in');
    const add = (service: string, method: string) => {
      const entry = new featuresPb.SupportedMethod();
      entry.setServiceName(service);
      entry.setMethodName(method);
      methods.addMethods(entry);
    };
    add('event_store.client.streams.streams', 'read');
    add('event_store.client.streams.streams', 'append');
    if (this.options.batchAppend ?? true) add('event_store.client.streams.streams', 'batchappend');
    add('event_store.client.gossip.gossip', 'read');
    add('event_store.client.server_features.serverfeatures', 'getsupportedmethods');
    return methods;
  }

  /** A single live leader: enough for the client's discovery when given several hosts or `esdb+discover`. */
  private clusterInfo(): GossipPb.ClusterInfo {
    const info = new gossipPb.ClusterInfo();
    const member = new gossipPb.MemberInfo();
    const id = new sharedPb.UUID();
    id.setString(STAND_IN_INSTANCE_ID);
    member.setInstanceId(id);
    member.setTimeStamp(String(BigInt(Date.now()) * 10_000n));
    member.setState(gossipPb.MemberInfo.VNodeState.LEADER);
    member.setIsAlive(true);
    const endpoint = new gossipPb.EndPoint();
    endpoint.setAddress('127.0.0.1');
    endpoint.setPort(this.port);
    member.setHttpEndPoint(endpoint);
    info.addMembers(member);
    return info;
  }

  // --- appends ----------------------------------------------------------------------------------

  private append(
    call: Grpc.ServerReadableStream<StreamsPb.AppendReq, StreamsPb.AppendResp>,
    callback: Grpc.sendUnaryData<StreamsPb.AppendResp>,
  ): void {
    let options: StreamsPb.AppendReq.Options | undefined;
    const proposed: ProposedEvent[] = [];
    call.on('data', (req: StreamsPb.AppendReq) => {
      if (req.getContentCase() === AppendReq.ContentCase.OPTIONS) options = req.getOptions();
      else {
        const message = req.getProposedMessage()!;
        proposed.push(proposedEvent(message.getId(), message.getMetadataMap(), message.getData_asU8(), message.getCustomMetadata_asU8()));
      }
    });
    call.on('end', () => {
      if (!options) return callback({ code: INVALID_ARGUMENT, details: 'Append without options' });
      const stream = streamName(options.getStreamIdentifier());
      const expected = expectedFromAppend(options);
      let outcome;
      try {
        outcome = this.log.append(stream, expected, proposed);
      } catch (error) {
        if (error instanceof InvalidEventIdError) return callback({ code: INVALID_ARGUMENT, details: error.message });
        if (error instanceof MaxAppendSizeExceededError) {
          // As the server reports it: the client reads the kind and the limit from the trailers.
          const metadata = new grpc.Metadata();
          metadata.set('exception', 'maximum-append-size-exceeded');
          metadata.set('maximum-append-size', String(error.maxAppendSize));
          return callback({ code: INVALID_ARGUMENT, details: error.message, metadata });
        }
        throw error;
      }
      const resp = new AppendResp();
      if (outcome.kind === 'success') {
        const success = new AppendResp.Success();
        if (outcome.currentRevision < 0n) success.setNoStream(new sharedPb.Empty());
        else success.setCurrentRevision(outcome.currentRevision.toString());
        if (outcome.position === null) success.setNoPosition(new sharedPb.Empty());
        else {
          const position = new AppendResp.Position();
          position.setCommitPosition(outcome.position.toString());
          position.setPreparePosition(outcome.position.toString());
          success.setPosition(position);
        }
        resp.setSuccess(success);
      } else {
        const wrong = new AppendResp.WrongExpectedVersion();
        if (outcome.currentRevision < 0n) {
          wrong.setCurrentNoStream(new emptyPb.Empty());
          wrong.setNoStream2060(new sharedPb.Empty());
        } else {
          wrong.setCurrentRevision(outcome.currentRevision.toString());
          wrong.setCurrentRevision2060(Number(outcome.currentRevision));
        }
        if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
        else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new emptyPb.Empty());
        else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new emptyPb.Empty());
        else wrong.setExpectedAny(new emptyPb.Empty());
        resp.setWrongExpectedVersion(wrong);
      }
      this.say(`append ${stream}: ${describe(outcome)}`);
      callback(null, resp);
    });
  }

  private batchAppend(call: Grpc.ServerDuplexStream<StreamsPb.BatchAppendReq, StreamsPb.BatchAppendResp>): void {
    const pending = new Map<string, { options?: StreamsPb.BatchAppendReq.Options; events: ProposedEvent[] }>();
    call.on('data', (req: StreamsPb.BatchAppendReq) => {
      const correlation = uuidString(req.getCorrelationId());
      const batch = pending.get(correlation) ?? { events: [] };
      pending.set(correlation, batch);
      if (req.hasOptions()) batch.options = req.getOptions();
      for (const message of req.getProposedMessagesList()) {
        batch.events.push(proposedEvent(message.getId(), message.getMetadataMap(), message.getData_asU8(), message.getCustomMetadata_asU8()));
      }
      if (!req.getIsFinal()) return;
      pending.delete(correlation);
      call.write(this.completeBatch(req.getCorrelationId()!, batch.options, batch.events));
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  }

  private completeBatch(
    correlationId: SharedPb.UUID,
    options: StreamsPb.BatchAppendReq.Options | undefined,
    events: ProposedEvent[],
  ): StreamsPb.BatchAppendResp {
    const resp = new BatchAppendResp();
    resp.setCorrelationId(correlationId);
    if (!options) return withError(resp, INVALID_ARGUMENT, 'Batch without options');
    resp.setStreamIdentifier(options.getStreamIdentifier());
    const stream = streamName(options.getStreamIdentifier());
    const expected = expectedFromBatch(options);
    if (expected.kind === 'revision') resp.setStreamPosition(expected.revision.toString());
    else if (expected.kind === 'no_stream') resp.setNoStream(new emptyPb.Empty());
    else if (expected.kind === 'stream_exists') resp.setStreamExists(new emptyPb.Empty());
    else resp.setAny(new emptyPb.Empty());
    let outcome;
    try {
      outcome = this.log.append(stream, expected, events);
    } catch (error) {
      if (error instanceof InvalidEventIdError) return withError(resp, INVALID_ARGUMENT, error.message);
      if (error instanceof MaxAppendSizeExceededError) {
        const details = new sharedPb.MaximumAppendSizeExceeded();
        details.setMaxappendsize(error.maxAppendSize);
        const any = new anyPb.Any();
        any.pack(details.serializeBinary(), 'event_store.client.MaximumAppendSizeExceeded');
        return withError(resp, INVALID_ARGUMENT, error.message, any);
      }
      throw error;
    }
    this.say(`batch append ${stream}: ${describe(outcome)}`);
    if (outcome.kind === 'success') {
      const success = new BatchAppendResp.Success();
      if (outcome.currentRevision < 0n) success.setNoStream(new emptyPb.Empty());
      else success.setCurrentRevision(outcome.currentRevision.toString());
      if (outcome.position === null) success.setNoPosition(new emptyPb.Empty());
      else {
        const position = new sharedPb.AllStreamPosition();
        position.setCommitPosition(outcome.position.toString());
        position.setPreparePosition(outcome.position.toString());
        success.setPosition(position);
      }
      resp.setSuccess(success);
      return resp;
    }
    const details = new sharedPb.WrongExpectedVersion();
    if (outcome.currentRevision < 0n) details.setCurrentNoStream(new emptyPb.Empty());
    else details.setCurrentStreamRevision(outcome.currentRevision.toString());
    if (expected.kind === 'revision') details.setExpectedStreamPosition(expected.revision.toString());
    else if (expected.kind === 'no_stream') details.setExpectedNoStream(new emptyPb.Empty());
    else if (expected.kind === 'stream_exists') details.setExpectedStreamExists(new emptyPb.Empty());
    else details.setExpectedAny(new emptyPb.Empty());
    const any = new anyPb.Any();
    any.pack(details.serializeBinary(), 'event_store.client.WrongExpectedVersion');
    return withError(resp, FAILED_PRECONDITION, 'WrongExpectedVersion', any);
  }

  // --- reads and subscriptions ------------------------------------------------------------------

  private read(call: Grpc.ServerWritableStream<ReadReq, ReadResp>): void {
    const options = call.request.getOptions();
    if (!options) return fail(call, grpcError(INVALID_ARGUMENT, 'Read without options'));
    const direction = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS ? 'backwards' : 'forwards';
    const subscription = options.getCountOptionCase() === ReadReq.Options.CountOptionCase.SUBSCRIPTION;
    const count = subscription ? 0n : BigInt(options.getCount() || '0');
    const filter = readFilter(options);

    try {
      if (options.getStreamOptionCase() === ReadReq.Options.StreamOptionCase.STREAM) {
        if (subscription) return fail(call, grpcError(grpc.status.UNIMPLEMENTED, 'The stand-in only subscribes to $all'));
        this.readStream(call, options.getStream()!, direction, count);
        return;
      }
      const all = options.getAll()!;
      const from: AllFrom = all.hasPosition()
        ? { commit: BigInt(all.getPosition()!.getCommitPosition()), prepare: BigInt(all.getPosition()!.getPreparePosition()) }
        : all.hasEnd()
          ? 'end'
          : 'start';
      if (subscription) return this.subscribeToAll(call, from, filter, checkpointMultiplier(options));
      for (const event of this.log.readAll(from, direction, count, filter)) call.write(this.readEvent(event, true));
      call.end();
    } catch (error) {
      if (error instanceof InvalidPositionError) return fail(call, grpcError(INVALID_ARGUMENT, error.message));
      throw error;
    }
  }

  private readStream(
    call: Grpc.ServerWritableStream<ReadReq, ReadResp>,
    streamOptions: StreamsPb.ReadReq.Options.StreamOptions,
    direction: 'forwards' | 'backwards',
    count: bigint,
  ): void {
    const stream = streamName(streamOptions.getStreamIdentifier());
    const from = streamOptions.hasRevision()
      ? BigInt(streamOptions.getRevision())
      : streamOptions.hasEnd()
        ? 'end'
        : 'start';
    const events = this.log.readStream(stream, from, direction, count);
    if (events === 'stream_not_found') {
      const resp = new ReadResp();
      const notFound = new ReadResp.StreamNotFound();
      notFound.setStreamIdentifier(streamOptions.getStreamIdentifier());
      resp.setStreamNotFound(notFound);
      call.write(resp);
    } else {
      for (const event of events) call.write(this.readEvent(event, this.options.streamReadPositions ?? true));
    }
    call.end();
  }

  /** Catch-up from `from` (exclusive), then live; system of confirmation, caught-up and checkpoints as the server sends them. */
  private subscribeToAll(
    call: Grpc.ServerWritableStream<ReadReq, ReadResp>,
    from: AllFrom,
    filter: EventFilter | undefined,
    checkpointMultiplier: number,
  ): void {
    const backlog = from === 'start' ? [...this.log.events] : from === 'end' ? [] : this.log.eventsAfter(from.commit);
    const confirmation = new ReadResp();
    const confirmed = new ReadResp.SubscriptionConfirmation();
    const id = randomUUID();
    confirmed.setSubscriptionId(id);
    confirmation.setConfirmation(confirmed);
    call.write(confirmation);
    this.say(`subscription ${id} to $all from ${describeFrom(from)}`);

    let considered = 0;
    // The start position itself is excluded: a subscription resumes after a checkpoint.
    let lastPosition = from === 'start' ? -1n : from === 'end' ? this.log.writerPosition - 1n : from.commit;
    const deliver = (events: readonly StoredEvent[]) => {
      for (const event of events) {
        if (event.position <= lastPosition) continue;
        lastPosition = event.position;
        considered++;
        if (matches(event, filter)) call.write(this.readEvent(event, true));
        else if (filter && considered % (CHECKPOINT_WINDOW * checkpointMultiplier) === 0) call.write(checkpoint(event.position));
      }
    };
    deliver(backlog);
    const caughtUp = new ReadResp();
    caughtUp.setCaughtUp(new ReadResp.CaughtUp());
    call.write(caughtUp);
    if (filter) call.write(checkpoint(this.log.writerPosition));

    // Writes are synchronous, so nothing can slip between the backlog and the live feed.
    const unsubscribe = this.log.onWrite(deliver);
    this.liveCalls.add(call);
    const done = () => {
      unsubscribe();
      this.liveCalls.delete(call);
    };
    call.on('cancelled', done);
    call.on('close', done);
    call.on('error', done);
  }

  private readEvent(event: StoredEvent, withPosition: boolean): ReadResp {
    const recorded = new ReadResp.ReadEvent.RecordedEvent();
    const id = new sharedPb.UUID();
    id.setString(event.id);
    recorded.setId(id);
    const identifier = new sharedPb.StreamIdentifier();
    identifier.setStreamName(Buffer.from(event.stream, 'utf8'));
    recorded.setStreamIdentifier(identifier);
    recorded.setStreamRevision(event.revision.toString());
    const position = withPosition ? event.position.toString() : NO_POSITION;
    recorded.setCommitPosition(position);
    recorded.setPreparePosition(position);
    const metadata = recorded.getMetadataMap();
    metadata.set('type', event.type);
    metadata.set('content-type', event.contentType);
    metadata.set('created', event.createdTicks.toString());
    recorded.setData(event.data);
    recorded.setCustomMetadata(event.metadata);
    const readEvent = new ReadResp.ReadEvent();
    readEvent.setEvent(recorded);
    if (withPosition) readEvent.setCommitPosition(event.position.toString());
    else readEvent.setNoPosition(new sharedPb.Empty());
    const resp = new ReadResp();
    resp.setEvent(readEvent);
    return resp;
  }
}

const STAND_IN_INSTANCE_ID = randomUUID();

/** Starts a stand-in on a random free port of 127.0.0.1. */
export async function startStandIn(options: StandInOptions = {}): Promise<StandInHandle> {
  return new EventStoreDbStandIn(options).start();
}

// --- protocol helpers ---------------------------------------------------------------------------

function streamName(identifier: SharedPb.StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

function uuidString(uuid: SharedPb.UUID | undefined): string {
  if (!uuid) return '';
  if (uuid.hasString()) return uuid.getString();
  const structured = uuid.getStructured()!;
  const hex = (value: string) => BigInt.asUintN(64, BigInt(value)).toString(16).padStart(16, '0');
  const all = hex(structured.getMostSignificantBits()) + hex(structured.getLeastSignificantBits());
  return `${all.slice(0, 8)}-${all.slice(8, 12)}-${all.slice(12, 16)}-${all.slice(16, 20)}-${all.slice(20)}`;
}

function proposedEvent(
  id: SharedPb.UUID | undefined,
  metadata: { get(key: string): string | undefined },
  data: Uint8Array,
  customMetadata: Uint8Array,
): ProposedEvent {
  return {
    id: uuidString(id),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: Uint8Array.from(data),
    metadata: Uint8Array.from(customMetadata),
  };
}

function expectedFromAppend(options: StreamsPb.AppendReq.Options): StandInExpected {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function expectedFromBatch(options: StreamsPb.BatchAppendReq.Options): StandInExpected {
  if (options.hasStreamPosition()) return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function readFilter(options: StreamsPb.ReadReq.Options): EventFilter | undefined {
  if (options.getFilterOptionCase() !== ReadReq.Options.FilterOptionCase.FILTER) return undefined;
  const filter = options.getFilter()!;
  const on = filter.hasStreamIdentifier() ? 'stream' : 'event_type';
  const expression = filter.hasStreamIdentifier() ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex();
  return { on, prefixes, regex: regex ? new RegExp(regex) : undefined };
}

function checkpointMultiplier(options: StreamsPb.ReadReq.Options): number {
  return Math.max(1, options.getFilter()?.getCheckpointintervalmultiplier() ?? 1);
}

function checkpoint(position: bigint): ReadResp {
  const resp = new ReadResp();
  const mark = new ReadResp.Checkpoint();
  mark.setCommitPosition(position.toString());
  mark.setPreparePosition(position.toString());
  resp.setCheckpoint(mark);
  return resp;
}

function withError(
  resp: StreamsPb.BatchAppendResp,
  code: number,
  message: string,
  details?: AnyPb.Any,
): StreamsPb.BatchAppendResp {
  const status = new statusPb.Status();
  status.setCode(code as Parameters<StatusPb.Status['setCode']>[0]);
  status.setMessage(message);
  if (details) status.setDetails(details);
  resp.setError(status);
  return resp;
}

/** Ends a server-streaming call with an error status (grpc-js sends the status of an emitted error). */
function fail(call: Grpc.ServerWritableStream<ReadReq, ReadResp>, error: Grpc.ServiceError): void {
  call.emit('error', error);
}

function grpcError(code: number, details: string): Grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

function describe(outcome: ReturnType<StandInLog['append']>): string {
  if (outcome.kind === 'wrong_expected_version') return `wrong expected version (current ${outcome.currentRevision})`;
  return `${outcome.idempotent ? 'idempotent, ' : ''}revision ${outcome.currentRevision}, position ${outcome.position ?? 'none'}`;
}

function describeFrom(from: AllFrom): string {
  return typeof from === 'string' ? from : `C:${from.commit}/P:${from.prepare}`;
}
