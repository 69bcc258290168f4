export * from './event-store.js';
export * from './open-store.js';
export * from './module-thread.js';
export * from './data-dir-lock.js';
