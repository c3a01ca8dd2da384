/**
 * `multipart/form-data` bodies, parsed by the platform's fetch implementation (`Response.formData()`, undici's
 * RFC 7578 parser) rather than by hand: text fields as strings, files as bytes.
 */

export interface MultipartBody {
  fields: Record<string, string>;
  files: Record<string, Uint8Array>;
}

/** The parsed body, or an Error saying why it does not parse. */
export async function parseMultipart(raw: Buffer, contentType: string): Promise<MultipartBody | Error> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  } catch (e) {
    return new Error(`multipart/form-data body does not parse: ${(e as Error).message}`);
  }
  const body: MultipartBody = { fields: {}, files: {} };
  for (const [name, value] of form) {
    if (typeof value === 'string') body.fields[name] = value;
    else body.files[name] = new Uint8Array(await value.arrayBuffer());
  }
  return body;
}

/** The body as the OpenAPI validator checks multipart media: text parts and file parts by name. */
export function validatedForm(body: MultipartBody): Record<string, string | Uint8Array> {
  return { ...body.fields, ...body.files };
}
