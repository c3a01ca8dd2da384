import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { parseSpec } from '../../shared/engine/spec-validation.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { DocumentationSpec } from '../../vendors/gravitee/documentation/schema.ts';
import { portalPayload } from '../../vendors/gravitee/portal/payload.ts';
import { PLACEMENT, placementOf } from '../../vendors/gravitee/portal/placement.ts';
import { PortalSpec } from '../../vendors/gravitee/portal/schema.ts';
import { PortalLinkSpec } from '../../vendors/gravitee/portal-link/schema.ts';
import { PortalListingSpec } from '../../vendors/gravitee/portal-listing/schema.ts';

/** The message a False condition carries for a spec the schema refuses. */
function refusal(schema: z.ZodType<unknown>, spec: unknown): string {
  try {
    parseSpec(schema, spec);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the spec was accepted');
}

const page = { name: 'Home', type: 'GRAVITEE_MARKDOWN', content: '# Home' };

describe('schemas name the field they refuse', () => {
  it('Portal: a contextRef is required, navigation and structure exclude each other', () => {
    expect(refusal(PortalSpec, { name: 'P' })).toBe('spec.contextRef: Required (a Portal is synced through a ManagementContext)');
    expect(refusal(PortalSpec, { name: 'P', contextRef: { name: 'c' }, navigation: [{ path: '/a' }], structure: { topNavbar: [] } })).toMatch(/^spec\.navigation: navigation and structure cannot be used/);
    expect(refusal(PortalSpec, { name: 'P', contextRef: { name: 'c' }, structure: { topNavbar: [{ path: 'a' }] } })).toBe('spec.structure.topNavbar[0].path: must start with /');
  });

  it('PortalListing: at least one API, v4 only, each at a navigation path', () => {
    expect(refusal(PortalListingSpec, { portalRef: { name: 'p' }, apis: [] })).toBe('spec.apis: at least one API is required');
    expect(refusal(PortalListingSpec, { portalRef: { name: 'p' }, apis: [{ ref: { name: 'a', kind: 'ApiDefinition' }, location: '/a' }] })).toBe(
      'spec.apis[0].ref.kind: must be ApiV4Definition (the next-gen portal takes v4 APIs only)',
    );
    expect(refusal(PortalListingSpec, { portalRef: { name: 'p' }, apis: [{ ref: { name: 'a' }, location: 'a' }] })).toBe('spec.apis[0].location: must start with /');
    // GKO reads the kind in any case, plural or not.
    expect(() => parseSpec(PortalListingSpec, { portalRef: { name: 'p' }, apis: [{ ref: { name: 'a', kind: 'apiv4definitions' }, location: '/a' }] })).not.toThrow();
  });

  it('PortalLink: an absolute href, trimmed with the name', () => {
    expect(refusal(PortalLinkSpec, { portalRef: { name: 'p' }, name: 'Docs', href: 'docs.example.com' })).toBe('spec.href: must be an absolute URL (https://…)');
    expect(refusal(PortalLinkSpec, { portalRef: { name: 'p' }, name: '  ', href: 'https://x.example' })).toBe('spec.name: Required');
    expect(parseSpec(PortalLinkSpec, { portalRef: { name: 'p' }, name: ' Docs ', href: ' https://x.example ' })).toMatchObject({ name: 'Docs', href: 'https://x.example' });
  });

  it('Documentation: exactly one parent, the homepage for portals only', () => {
    expect(refusal(DocumentationSpec, page)).toBe('spec: exactly one of portalRef / apiRef must be set, but neither was provided');
    expect(refusal(DocumentationSpec, { ...page, portalRef: { name: 'p' }, apiRef: { name: 'a' } })).toBe('spec: exactly one of portalRef / apiRef must be set, but both were provided');
    expect(refusal(DocumentationSpec, { ...page, apiRef: { name: 'a' }, area: 'HOMEPAGE' })).toBe("spec.area: HOMEPAGE is for a portal's pages only (an API's pages are in its top navbar)");
    expect(refusal(DocumentationSpec, { ...page, apiRef: { name: 'a', kind: 'ApiDefinition' } })).toBe('spec.apiRef.kind: must be ApiV4Definition (the next-gen portal takes v4 APIs only)');
    expect(() => parseSpec(DocumentationSpec, { ...page, portalRef: { name: 'p' }, area: 'HOMEPAGE' })).not.toThrow();
  });
});

describe('portalPayload', () => {
  it('sends the navigation nodes as the Automation API takes them (no order: APIM orders by position)', () => {
    const spec = parseSpec(PortalSpec, { name: 'P', contextRef: { name: 'c' }, navigation: [{ path: '/a', displayName: 'A', order: 2 }, { path: '/b' }] });
    expect(portalPayload(spec, 'ns-p')).toEqual({ hrid: 'ns-p', name: 'P', navigation: [{ path: '/a', displayName: 'A' }, { path: '/b' }] });
    const structured = parseSpec(PortalSpec, { name: 'P', contextRef: { name: 'c' }, structure: { topNavbar: [{ path: '/a' }] } });
    expect(portalPayload(structured, 'ns-p')).toEqual({ hrid: 'ns-p', name: 'P', structure: { topNavbar: [{ path: '/a' }] } });
  });
});

describe('placementOf', () => {
  const obj = (value?: string): KubeObject => ({ apiVersion: 'gravitee.io/v1alpha1', kind: 'PortalListing', metadata: { name: 'l', namespace: 'ns', annotations: value ? { [PLACEMENT]: value } : {} } });

  it('reads where the object was written', () => {
    expect(placementOf(obj('{"context":"team/ctx","collection":"portals/team-p/listings"}'))).toEqual({
      context: { apiVersion: 'gravitee.io/v1alpha1', kind: 'ManagementContext', namespace: 'team', name: 'ctx' },
      collection: 'portals/team-p/listings',
    });
  });

  it('ignores an absent or unreadable annotation (the spec then says where the object is)', () => {
    expect(placementOf(obj())).toBeUndefined();
    expect(placementOf(obj('not json'))).toBeUndefined();
    expect(placementOf(obj('{"context":"ctx","collection":"portals/p/listings"}'))).toBeUndefined();
  });
});
