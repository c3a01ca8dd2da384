/** The Publisher v4 operations the emulator implements, by the spec's operationId. Any other is not emulated. */
import { importAPI } from './import-api.ts';
import { deleteAPI, getAllAPIs, getAPI, getAPISwagger } from './publisher-apis.ts';
import type { PublisherHandler } from './publisher-request.ts';
import {
  createAPIRevision,
  deleteAPIRevision,
  deployAPIRevision,
  getAPIRevision,
  getAPIRevisionDeployments,
  getAPIRevisions,
  undeployAPIRevision,
} from './publisher-revisions.ts';

export const PUBLISHER_OPERATIONS: Record<string, PublisherHandler> = {
  getAllAPIs,
  getAPI,
  deleteAPI,
  getAPISwagger,
  importAPI,
  getAPIRevisions,
  createAPIRevision,
  getAPIRevision,
  deleteAPIRevision,
  getAPIRevisionDeployments,
  deployAPIRevision,
  undeployAPIRevision,
};
