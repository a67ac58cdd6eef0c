/**
 * DynamoDB on this machine: dynalite (the DynamoDB API on LevelDB) on a loopback port, its data
 * in a folder, and the table created from the same definition CDK deploys.
 *
 * This process reaches it without a socket: `clientConfig()` gives the SDK a request handler that
 * hands each request to dynalite's own HTTP request listener in memory (the same validation,
 * actions and LevelDB as over HTTP), and a signer that writes the authorization headers dynalite
 * requires without computing a SigV4 signature (dynalite checks none). The loopback endpoint stays
 * open for every other client (`embeddedClientConfig(endpoint)`, other processes, tools).
 */
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';
import dynalite from 'dynalite';
import { tableDefinition } from '../adapters/dynamodb/table';

export interface EmbeddedDynamo {
  /** The loopback HTTP endpoint, for clients outside this process (or that want a socket). */
  endpoint: string;
  /** Client settings for this process: requests go to dynalite in memory, not over the socket. */
  clientConfig(): DynamoDBClientConfig;
  close(): Promise<void>;
}

export async function startEmbeddedDynamo(dataDir: string, port = 0): Promise<EmbeddedDynamo> {
  await mkdir(dataDir, { recursive: true });
  const server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // dynalite builds its server with http.createServer(listener): the listener is the whole API.
  const [listener] = server.listeners('request') as RequestListener[];
  if (!listener) throw new Error('dynalite has no request listener');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${bound}`;
  const handler = new InProcessHandler(listener);
  return {
    endpoint,
    clientConfig: () => ({ ...embeddedClientConfig(endpoint), requestHandler: handler }),
    // As the HTTP server does for its connections: refuse new requests, answer those in flight,
    // and only then let dynalite close LevelDB (a request cut off there would throw in dynalite).
    close: async () => {
      await handler.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Stands in for the SigV4 signer: dynalite requires an `Authorization: AWS4-…` header with a
 * Credential, SignedHeaders and Signature, and an X-Amz-Date, but verifies no signature, so the
 * hashing and HMACs of a real signature would buy nothing.
 */
export const unsignedSigner = {
  async sign(request: HttpRequest): Promise<HttpRequest> {
    const date = amzDate(new Date());
    request.headers['x-amz-date'] = date;
    request.headers.authorization = `AWS4-HMAC-SHA256 Credential=local/${date.slice(0, 8)}/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=unsigned`;
    return request;
  },
};

/** 20250106T090000Z */
function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The client settings for the embedded endpoint over loopback HTTP (dynalite checks no credentials). */
export function embeddedClientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    signer: unsignedSigner,
  } satisfies DynamoDBClientConfig;
}

/** The slice of an IncomingMessage dynalite's listener reads: method, url, headers and the body events. */
class InMemoryRequest extends EventEmitter {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: Record<string, string>,
  ) {
    super();
  }
}

/** The slice of a ServerResponse dynalite's listener writes: status, headers and one body. */
class InMemoryResponse {
  statusCode = 200;
  /** dynalite keeps the content type here between its checks and sendData. */
  contentType?: string;
  private readonly headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];

  constructor(private readonly done: (response: HttpResponse) => void) {}

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  writeHead(statusCode: number, headers?: Record<string, number | string>): this {
    this.statusCode = statusCode;
    for (const [name, value] of Object.entries(headers ?? {})) this.setHeader(name, value);
    return this;
  }

  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
    return true;
  }

  end(chunk?: string | Uint8Array): this {
    if (chunk !== undefined) this.write(chunk);
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    // As over HTTP, where a chunked response (dynalite's 413) arrives without a content-length.
    if (this.headers['content-length'] === undefined && this.headers['transfer-encoding'] === undefined) {
      this.headers['content-length'] = String(body.length);
    }
    delete this.headers['transfer-encoding'];
    this.done({ statusCode: this.statusCode, headers: this.headers, body });
    return this;
  }
}

function abortError(): Error {
  const error = new Error('Request aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * An SDK request handler that calls dynalite's request listener in memory: the request's body
 * goes in as one `data` event, the listener's answer comes back as the response. What dynalite
 * answers over HTTP (status, headers, JSON body, errors) it answers here, and the SDK parses it
 * the same way; only the socket, the HTTP framing and the agent are gone.
 */
export class InProcessHandler {
  private closed = false;
  /** Requests handed to dynalite and not yet answered. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly listener: RequestListener) {}

  /** Refuses new requests (as a closed server refuses connections) and resolves once those in flight are answered. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const signal = options.abortSignal;
    if (signal?.aborted) throw abortError();
    if (this.closed) throw Object.assign(new Error('The embedded DynamoDB is closed'), { name: 'ECONNREFUSED', code: 'ECONNREFUSED' });
    // In flight from here on (synchronously with the check above): close() waits for dynalite's
    // answer, also when the caller gives up on it (aborts) before.
    const answered = this.answer(request);
    const settled: Promise<void> = answered.then(
      () => void this.inFlight.delete(settled),
      () => void this.inFlight.delete(settled),
    );
    this.inFlight.add(settled);
    if (!signal) return { response: await answered };
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortError());
      addAbortListener(signal, onAbort);
    });
    try {
      return { response: await Promise.race([answered, aborted]) };
    } finally {
      removeAbortListener(signal, onAbort!);
    }
  }

  /** Hands the request to dynalite's listener and resolves with what it writes to the response. */
  private async answer(request: HttpRequest): Promise<HttpResponse> {
    const body = await bodyBytes(request.body);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    headers['content-length'] = String(body.length);
    return new Promise<HttpResponse>((resolve, reject) => {
      const req = new InMemoryRequest(request.method, pathWithQuery(request), headers);
      try {
        this.listener(req as unknown as IncomingMessage, new InMemoryResponse(resolve) as unknown as ServerResponse);
        if (body.length > 0) req.emit('data', body);
        req.emit('end');
      } catch (error) {
        // Over HTTP a throw in dynalite's listener would take the process down; here the request fails.
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

type AnySignal = NonNullable<HttpHandlerOptions['abortSignal']>;

function addAbortListener(signal: AnySignal, listener: () => void): void {
  if ('addEventListener' in signal && typeof signal.addEventListener === 'function') signal.addEventListener('abort', listener, { once: true });
  else signal.onabort = listener;
}

function removeAbortListener(signal: AnySignal, listener: () => void): void {
  if ('removeEventListener' in signal && typeof signal.removeEventListener === 'function') signal.removeEventListener('abort', listener);
  else if (signal.onabort === listener) signal.onabort = null;
}

function pathWithQuery(request: HttpRequest): string {
  const query = Object.entries(request.query ?? {}).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((v) => (v === null ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(v)}`)),
  );
  return query.length > 0 ? `${request.path}?${query.join('&')}` : request.path;
}

/** The request body as bytes: the SDK sends JSON as a string, but accept bytes and streams too. */
async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<string | Uint8Array>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw new TypeError(`Unsupported request body: ${typeof body}`);
}

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const def = tableDefinition;
  const attributes = new Map<string, 'S'>();
  for (const key of [def.partitionKey, def.sortKey, ...def.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
    attributes.set(key.name, key.type);
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
      KeySchema: [
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((i) => ({
        IndexName: i.indexName,
        KeySchema: [
          { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: i.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection:
          i.projection.type === 'INCLUDE'
            ? { ProjectionType: 'INCLUDE', NonKeyAttributes: i.projection.nonKeyAttributes }
            : { ProjectionType: i.projection.type },
      })),
    }),
  );
  // The table answers only once it is ACTIVE.
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
}
