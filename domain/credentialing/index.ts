export * from './rules';
export * from './credential';
