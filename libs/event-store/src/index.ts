export * from './event-store.js';
export * from './open-store.js';
