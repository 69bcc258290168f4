// Live changes from GET /stream (server-sent events). Named events never reach onmessage,
// so every stored event type gets its own listener.
export const EVENT_TYPES = [
  'claimline.source-registered',
  'claimline.source-text-revised',
  'claimline.claim-opened',
  'claimline.assertion-recorded',
  'claimline.assertion-corrected',
  'claimline.assertion-retracted',
  'claimline.verdict-recorded',
];

/**
 * Connects and calls onEvent({ position, stream, type, data, metadata, claimId, sourceId }).
 * onState receives 'connecting' | 'live' | 'offline'. Returns a function that disconnects.
 */
export function connectLive({ onEvent, onState }) {
  if (typeof EventSource === 'undefined') {
    onState('offline');
    return () => {};
  }
  const source = new EventSource('/stream');
  onState('connecting');
  source.addEventListener('open', () => onState('live'));
  source.addEventListener('error', () => onState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting'));
  const handle = (message) => {
    let payload;
    try {
      payload = JSON.parse(message.data);
    } catch {
      return;
    }
    const stream = String(payload.stream ?? '');
    const data = payload.data ?? {};
    onEvent({
      ...payload,
      type: payload.type ?? message.type,
      claimId: data.claimId ?? (stream.startsWith('claim-') ? stream.slice(6) : null),
      sourceId: stream.startsWith('source-') ? stream.slice(7) : (data.sourceId ?? null),
    });
  };
  for (const type of EVENT_TYPES) source.addEventListener(type, handle);
  return () => source.close();
}
