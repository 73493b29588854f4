import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from "aws-lambda";

/** API Gateway REST API (payload 1.0), shaped as the AWS docs and @types/aws-lambda describe it. */
export function restEvent(opts: {
  method?: string;
  path: string;
  body?: string;
  base64?: boolean;
  contentType?: string;
  query?: Record<string, string>;
}): APIGatewayProxyEvent {
  const body =
    opts.body === undefined ? null : opts.base64 ? Buffer.from(opts.body).toString("base64") : opts.body;
  return {
    resource: "/inject/{proxy+}",
    path: opts.path,
    httpMethod: opts.method ?? "POST",
    headers: { "Content-Type": opts.contentType ?? "application/json" },
    multiValueHeaders: {},
    queryStringParameters: opts.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: "000000000000",
      apiId: "abc",
      authorizer: null,
      protocol: "HTTP/1.1",
      httpMethod: opts.method ?? "POST",
      identity: {} as never,
      path: `/prod${opts.path}`,
      stage: "prod",
      requestId: "r",
      requestTimeEpoch: 0,
      resourceId: "x",
      resourcePath: "/inject/{proxy+}",
    },
    body,
    isBase64Encoded: Boolean(opts.base64),
  };
}

/** API Gateway HTTP API or a Lambda function URL (payload 2.0). */
export function v2Event(opts: {
  method?: string;
  rawPath: string;
  body?: string;
  base64?: boolean;
  contentType?: string;
  rawQueryString?: string;
  stage?: string;
}): APIGatewayProxyEventV2 {
  const method = opts.method ?? "POST";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: opts.rawPath,
    rawQueryString: opts.rawQueryString ?? "",
    headers: { "content-type": opts.contentType ?? "application/json" },
    requestContext: {
      accountId: "000000000000",
      apiId: "abc",
      domainName: "abc.lambda-url.us-east-1.on.aws",
      domainPrefix: "abc",
      http: {
        method,
        path: opts.rawPath,
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: "kube-apiserver-admission",
      },
      requestId: "r",
      routeKey: "$default",
      stage: opts.stage ?? "$default",
      time: "23/Nov/2026:00:00:00 +0000",
      timeEpoch: 0,
    },
    body:
      opts.body === undefined
        ? undefined
        : opts.base64
          ? Buffer.from(opts.body).toString("base64")
          : opts.body,
    isBase64Encoded: Boolean(opts.base64),
  };
}
