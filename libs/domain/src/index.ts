export * from './values/value.js';
