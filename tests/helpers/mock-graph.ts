/**
 * The Graph API mock (a Fastify server on 127.0.0.1 checking version path, bearer token and
 * request bodies as Meta documents them): messages, media, the WABA's message_templates edge and
 * the Resumable Upload API. It lives in src/ because the chat console
 * (`mariadono chat --platform meta`) uses it too.
 */
export { startMockGraph, type MockGraph, type MockGraphRequest, type MockGraphSend, type MockTemplate } from '../../src/transport/cloud/graph-mock.ts';
