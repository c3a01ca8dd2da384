/** Decoding an envelope body (`{apiVersion, kind, metadata, spec}`) into the shape the gateway keeps. */
import type { HandlerContext } from './context.ts';
import type { GatewayError } from './errors.ts';
import { asObject, BodyParseError } from './request-body.ts';
import { shapeAs } from './shape.ts';
import type { Resource } from './store.ts';

/** The body as the gateway's config parser decodes it into the kind's type; `onParseError` words its refusal. */
export function decodeResource(ctx: HandlerContext, schema: string, onParseError: (message: string) => GatewayError): Resource {
  const body = ctx.read('parser');
  if (body instanceof BodyParseError) throw onParseError(body.message);
  const shaped = shapeAs(ctx.document, schema, asObject(body));
  const metadata = asObject(shaped.metadata);
  return { ...shaped, apiVersion: String(shaped.apiVersion ?? ''), kind: String(shaped.kind ?? ''), metadata: { ...metadata, name: typeof metadata.name === 'string' ? metadata.name : '' }, spec: asObject(shaped.spec) } as Resource;
}
