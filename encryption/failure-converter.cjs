// Loaded by path (DataConverter.failureConverterPath): inside the workflow sandbox (bundled by
// scripts/build-workflow-bundle.ts) and by workers and clients, which `require()` it; plain
// CommonJS so that works in every runtime without a TypeScript loader.
// Failures keep their message and stack trace in an encoded attribute, which the payload codec
// then encrypts, so an error that quotes a note or a name never reaches Temporal in plaintext.
// Temporal shows "Encoded failure" instead.
/* eslint-disable @typescript-eslint/no-require-imports */
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
