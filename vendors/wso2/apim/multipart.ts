/**
 * A `multipart/form-data` body of one file field, encoded by the platform's own FormData (the same encoder `fetch`
 * uses), so the boundary and part headers are what servers expect; VendorHttp then sends the bytes as they are.
 */
export async function multipartFile(field: string, fileName: string, bytes: Uint8Array, contentType: string): Promise<{ data: Uint8Array; contentType: string }> {
  const form = new FormData();
  form.append(field, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: contentType }), fileName);
  const encoded = new Response(form);
  return { data: new Uint8Array(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}
