export * from './filing';
export * from './timely-filing';
