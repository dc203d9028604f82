export * from './obligations';
export * from './plan';
export * from './schedule';
export * from './records';
