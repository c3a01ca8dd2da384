/** The APIGateway annotations that say how its management API is reached (docs/wso2-design.md "Metadata keys"). */
export const ANNOTATIONS = {
  managementUrl: 'apim-sync.io/management-url',
  managementService: 'apim-sync.io/management-service',
  managementTransport: 'apim-sync.io/management-transport',
  managementCredentials: 'apim-sync.io/management-credentials',
} as const;
