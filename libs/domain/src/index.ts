export * from './values/value.js';
export * from './values/parse.js';
export * from './values/compare.js';
