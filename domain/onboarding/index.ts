export * from './roles';
export * from './request';
export * from './rules';
export * from './plan';
export * from './state-new-hire';
