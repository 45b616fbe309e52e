/**
 * Loaded by path into the workflow bundle, the worker and every client (DataConverter.failureConverterPath).
 * With encodeCommonAttributes a failure's message and stack trace travel as a payload, so the codec encrypts
 * them: an error message built from someone's input never reaches the server in clear.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
