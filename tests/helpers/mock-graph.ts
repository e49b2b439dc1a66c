/**
 * The Graph API mock (a Fastify server on 127.0.0.1 checking version path, bearer token and
 * request bodies as Meta documents them). It lives in src/ because the chat console
 * (`mariadono chat --platform meta`) uses it too.
 */
export { startMockGraph, type MockGraph, type MockGraphSend } from '../../src/transport/cloud/graph-mock.ts';
