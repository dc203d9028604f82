export * from './filing';
export * from './timely-filing';
export * from './request';
export * from './letter';
