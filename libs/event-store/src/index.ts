export * from './event-store.js';
export * from './open-store.js';
export * from './data-dir-lock.js';
