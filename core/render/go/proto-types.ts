/**
 * istio.io/api's ProxyConfig and MeshConfig (mesh/v1alpha1) as GoType descriptors, with every message
 * reachable from them. Templates read these through the Go methods protoc-gen-go writes: `GetX`
 * works on a nil receiver and returns the zero value, wrappers are pointers with `GetValue`, enums
 * print their names. The JSON the data is read from is proto JSON (lowerCamelCase names, enum names,
 * "45s" durations, wrappers as bare values), so a field of the Go struct reads the raw key of its
 * JSON name.
 *
 * The tables are generated from the *.pb.go files by scripts/gen-proto-types.mjs: each field is
 * `GoName jsonName type` (`|` after the JSON name marks a oneof member); types are Go scalars,
 * `duration`, `~Bool` (google.protobuf.BoolValue and the other wrappers), `any` (Struct/Value/Any),
 * `bytes`, `#Enum`, `*T`, `[]T`, `{}T` and message names.
 */
import { durationJSON, ONEOF_FIELDS, PROTO_MESSAGES, parseDuration, protoJSON } from "./gojson.ts";
import { typeTable } from "./kube-types.ts";
import { ANY, type GoType, type Method, type Typed, typed } from "./values.ts";

const MESSAGES: Record<string, readonly string[]> = {
  // BEGIN GENERATED MESSAGES (scripts/gen-proto-types.mjs)
  "mesh.ProxyConfig": [
    "ConfigPath configPath string",
    "BinaryPath binaryPath string",
    "ServiceCluster serviceCluster| string",
    "TracingServiceName tracingServiceName| #mesh.ProxyConfig_TracingServiceName",
    "DrainDuration drainDuration duration",
    "DiscoveryAddress discoveryAddress string",
    "DiscoveryRefreshDelay discoveryRefreshDelay duration",
    "ZipkinAddress zipkinAddress string",
    "StatsdUdpAddress statsdUdpAddress string",
    "EnvoyMetricsServiceAddress envoyMetricsServiceAddress string",
    "ProxyAdminPort proxyAdminPort int32",
    "AvailabilityZone availabilityZone string",
    "ControlPlaneAuthPolicy controlPlaneAuthPolicy #mesh.AuthenticationPolicy",
    "CustomConfigFile customConfigFile string",
    "StatNameLength statNameLength int32",
    "Concurrency concurrency ~Int32",
    "ProxyBootstrapTemplatePath proxyBootstrapTemplatePath string",
    "InterceptionMode interceptionMode #mesh.ProxyConfig_InboundInterceptionMode",
    "Tracing tracing *mesh.Tracing",
    "Sds sds *mesh.SDS",
    "EnvoyAccessLogService envoyAccessLogService *mesh.RemoteService",
    "EnvoyMetricsService envoyMetricsService *mesh.RemoteService",
    "ProxyMetadata proxyMetadata {}string",
    "RuntimeValues runtimeValues {}string",
    "StatusPort statusPort int32",
    "ExtraStatTags extraStatTags []string",
    "GatewayTopology gatewayTopology *mesh.Topology",
    "TerminationDrainDuration terminationDrainDuration duration",
    "MeshId meshId string",
    "ReadinessProbe readinessProbe *v1alpha3.ReadinessProbe",
    "ProxyStatsMatcher proxyStatsMatcher *mesh.ProxyConfig_ProxyStatsMatcher",
    "HoldApplicationUntilProxyStarts holdApplicationUntilProxyStarts ~Bool",
    "CaCertificatesPem caCertificatesPem []string",
    "Image image *v1beta1.ProxyImage",
    "PrivateKeyProvider privateKeyProvider *mesh.PrivateKeyProvider",
    "ProxyHeaders proxyHeaders *mesh.ProxyConfig_ProxyHeaders",
    "FileFlushInterval fileFlushInterval duration",
    "FileFlushMinSizeKb fileFlushMinSizeKb uint32",
    "StatsCompression statsCompression ~Bool",
    "ConnectionSettings connectionSettings *mesh.ProxyConfig_ConnectionSettings",
  ],
  "mesh.MeshConfig": [
    "ProxyListenPort proxyListenPort int32",
    "ProxyInboundListenPort proxyInboundListenPort int32",
    "ProxyHttpPort proxyHttpPort int32",
    "ConnectTimeout connectTimeout duration",
    "HboneIdleTimeout hboneIdleTimeout duration",
    "ProtocolDetectionTimeout protocolDetectionTimeout duration",
    "TcpKeepalive tcpKeepalive *v1alpha3.ConnectionPoolSettings_TCPSettings_TcpKeepalive",
    "IngressClass ingressClass string",
    "IngressService ingressService string",
    "IngressControllerMode ingressControllerMode #mesh.MeshConfig_IngressControllerMode",
    "IngressSelector ingressSelector string",
    "EnableTracing enableTracing bool",
    "AccessLogFile accessLogFile string",
    "AccessLogFormat accessLogFormat string",
    "AccessLogEncoding accessLogEncoding #mesh.MeshConfig_AccessLogEncoding",
    "EnableEnvoyAccessLogService enableEnvoyAccessLogService bool",
    "DisableEnvoyListenerLog disableEnvoyListenerLog bool",
    "DefaultConfig defaultConfig *mesh.ProxyConfig",
    "OutboundTrafficPolicy outboundTrafficPolicy *mesh.MeshConfig_OutboundTrafficPolicy",
    "InboundTrafficPolicy inboundTrafficPolicy *mesh.MeshConfig_InboundTrafficPolicy",
    "ConfigSources configSources []*mesh.ConfigSource",
    "EnableAutoMtls enableAutoMtls ~Bool",
    "TrustDomain trustDomain string",
    "TrustDomainAliases trustDomainAliases []string",
    "CaCertificates caCertificates []*mesh.MeshConfig_CertificateData",
    "DefaultServiceExportTo defaultServiceExportTo []string",
    "DefaultVirtualServiceExportTo defaultVirtualServiceExportTo []string",
    "DefaultDestinationRuleExportTo defaultDestinationRuleExportTo []string",
    "RootNamespace rootNamespace string",
    "LocalityLbSetting localityLbSetting *v1alpha3.LocalityLoadBalancerSetting",
    "ZoneAwareLbSetting zoneAwareLbSetting *v1alpha3.ZoneAwareLoadBalancerSetting",
    "DnsRefreshRate dnsRefreshRate duration",
    "H2UpgradePolicy h2UpgradePolicy #mesh.MeshConfig_H2UpgradePolicy",
    "InboundClusterStatName inboundClusterStatName string",
    "OutboundClusterStatName outboundClusterStatName string",
    "Certificates certificates []*mesh.Certificate",
    "ServiceSettings serviceSettings []*mesh.MeshConfig_ServiceSettings",
    "ServiceScopeConfigs serviceScopeConfigs []*mesh.MeshConfig_ServiceScopeConfigs",
    "EnablePrometheusMerge enablePrometheusMerge ~Bool",
    "VerifyCertificateAtClient verifyCertificateAtClient ~Bool",
    "Ca ca *mesh.MeshConfig_CA",
    "ExtensionProviders extensionProviders []*mesh.MeshConfig_ExtensionProvider",
    "DefaultProviders defaultProviders *mesh.MeshConfig_DefaultProviders",
    "DiscoverySelectors discoverySelectors []*mesh.LabelSelector",
    "PathNormalization pathNormalization *mesh.MeshConfig_ProxyPathNormalization",
    "DefaultHttpRetryPolicy defaultHttpRetryPolicy *v1alpha3.HTTPRetry",
    "MeshMTLS meshMTLS *mesh.MeshConfig_TLSConfig",
    "TlsDefaults tlsDefaults *mesh.MeshConfig_TLSConfig",
    "DefaultTrafficPolicy defaultTrafficPolicy *mesh.MeshConfig_DefaultTrafficPolicy",
    "ServiceEntryVisibility serviceEntryVisibility *mesh.ServiceEntryVisibility",
  ],
  "mesh.Tracing": [
    "Zipkin zipkin| *mesh.Tracing_Zipkin",
    "Lightstep lightstep| *mesh.Tracing_Lightstep",
    "Datadog datadog| *mesh.Tracing_Datadog",
    "Stackdriver stackdriver| *mesh.Tracing_Stackdriver",
    "OpenCensusAgent openCensusAgent| *mesh.Tracing_OpenCensusAgent",
    "CustomTags customTags {}*mesh.Tracing_CustomTag",
    "MaxPathTagLength maxPathTagLength uint32",
    "Sampling sampling float64",
    "TlsSettings tlsSettings *v1alpha3.ClientTLSSettings",
    "EnableIstioTags enableIstioTags ~Bool",
  ],
  "mesh.SDS": ["Enabled enabled bool", "K8SSaJwtPath k8sSaJwtPath string"],
  "mesh.RemoteService": [
    "Address address string",
    "TlsSettings tlsSettings *v1alpha3.ClientTLSSettings",
    "TcpKeepalive tcpKeepalive *v1alpha3.ConnectionPoolSettings_TCPSettings_TcpKeepalive",
  ],
  "mesh.Topology": [
    "NumTrustedProxies numTrustedProxies uint32",
    "ForwardClientCertDetails forwardClientCertDetails #mesh.ForwardClientCertDetails",
    "ProxyProtocol proxyProtocol *mesh.Topology_ProxyProtocolConfiguration",
  ],
  "v1alpha3.ReadinessProbe": [
    "InitialDelaySeconds initialDelaySeconds int32",
    "TimeoutSeconds timeoutSeconds int32",
    "PeriodSeconds periodSeconds int32",
    "SuccessThreshold successThreshold int32",
    "FailureThreshold failureThreshold int32",
    "HttpGet httpGet| *v1alpha3.HTTPHealthCheckConfig",
    "TcpSocket tcpSocket| *v1alpha3.TCPHealthCheckConfig",
    "Exec exec| *v1alpha3.ExecHealthCheckConfig",
    "Grpc grpc| *v1alpha3.GrpcHealthCheckConfig",
  ],
  "mesh.ProxyConfig_ProxyStatsMatcher": [
    "InclusionPrefixes inclusionPrefixes []string",
    "InclusionSuffixes inclusionSuffixes []string",
    "InclusionRegexps inclusionRegexps []string",
  ],
  "v1beta1.ProxyImage": ["ImageType imageType string"],
  "mesh.PrivateKeyProvider": [
    "Cryptomb cryptomb| *mesh.PrivateKeyProvider_CryptoMb",
    "Qat qat| *mesh.PrivateKeyProvider_QAT",
  ],
  "mesh.ProxyConfig_ProxyHeaders": [
    "ForwardedClientCert forwardedClientCert #mesh.ForwardClientCertDetails",
    "SetCurrentClientCertDetails setCurrentClientCertDetails *mesh.ProxyConfig_ProxyHeaders_SetCurrentClientCertDetails",
    "RequestId requestId *mesh.ProxyConfig_ProxyHeaders_RequestId",
    "Server server *mesh.ProxyConfig_ProxyHeaders_Server",
    "AttemptCount attemptCount *mesh.ProxyConfig_ProxyHeaders_AttemptCount",
    "EnvoyDebugHeaders envoyDebugHeaders *mesh.ProxyConfig_ProxyHeaders_EnvoyDebugHeaders",
    "MetadataExchangeHeaders metadataExchangeHeaders *mesh.ProxyConfig_ProxyHeaders_MetadataExchangeHeaders",
    "PreserveHttp1HeaderCase preserveHttp1HeaderCase ~Bool",
    "XForwardedHost xForwardedHost *mesh.ProxyConfig_ProxyHeaders_XForwardedHost",
    "XForwardedPort xForwardedPort *mesh.ProxyConfig_ProxyHeaders_XForwardedPort",
  ],
  "mesh.ProxyConfig_ConnectionSettings": [
    "Profile profile #mesh.ProxyConfig_ConnectionSettings_Profile",
    "ListenerPerConnectionBufferLimitBytes listenerPerConnectionBufferLimitBytes ~Int32",
    "ClusterPerConnectionBufferLimitBytes clusterPerConnectionBufferLimitBytes ~Int32",
    "HttpIdleTimeout httpIdleTimeout duration",
    "HttpMaxConnectionDuration httpMaxConnectionDuration duration",
    "HttpDrainTimeout httpDrainTimeout duration",
    "HttpRequestTimeout httpRequestTimeout duration",
    "HttpRequestHeadersTimeout httpRequestHeadersTimeout duration",
    "HttpStreamIdleTimeout httpStreamIdleTimeout duration",
    "HttpMaxStreamDuration httpMaxStreamDuration duration",
    "HttpMaxConcurrentStreams httpMaxConcurrentStreams ~Int32",
    "Http2InitialStreamWindowSize http2InitialStreamWindowSize ~Int32",
    "Http2InitialConnectionWindowSize http2InitialConnectionWindowSize ~Int32",
    "HttpHeadersWithUnderscoresAction httpHeadersWithUnderscoresAction #mesh.ProxyConfig_ConnectionSettings_HeadersWithUnderscoresAction",
    "HttpMergeSlashes httpMergeSlashes ~Bool",
    "HttpPathWithEscapedSlashesAction httpPathWithEscapedSlashesAction #mesh.ProxyConfig_ConnectionSettings_PathWithEscapedSlashesAction",
    "ListenerConnectionLimit listenerConnectionLimit ~Int32",
    "GlobalDownstreamConnectionLimit globalDownstreamConnectionLimit ~Int32",
  ],
  "v1alpha3.ConnectionPoolSettings_TCPSettings_TcpKeepalive": [
    "Probes probes uint32",
    "Time time duration",
    "Interval interval duration",
  ],
  "mesh.MeshConfig_OutboundTrafficPolicy": [
    "Mode mode #mesh.MeshConfig_OutboundTrafficPolicy_Mode",
    "Tls tls *v1alpha3.ClientTLSSettings",
  ],
  "mesh.MeshConfig_InboundTrafficPolicy": ["Mode mode #mesh.MeshConfig_InboundTrafficPolicy_Mode"],
  "mesh.ConfigSource": [
    "Address address string",
    "TlsSettings tlsSettings *v1alpha3.ClientTLSSettings",
    "SubscribedResources subscribedResources []#mesh.Resource",
  ],
  "mesh.MeshConfig_CertificateData": [
    "Pem pem| string",
    "SpiffeBundleUrl spiffeBundleUrl| string",
    "CertSigners certSigners []string",
    "TrustDomains trustDomains []string",
  ],
  "v1alpha3.LocalityLoadBalancerSetting": [
    "Distribute distribute []*v1alpha3.LocalityLoadBalancerSetting_Distribute",
    "Failover failover []*v1alpha3.LocalityLoadBalancerSetting_Failover",
    "FailoverPriority failoverPriority []string",
    "Enabled enabled ~Bool",
  ],
  "v1alpha3.ZoneAwareLoadBalancerSetting": [
    "Enabled enabled ~Bool",
    "Failover failover []*v1alpha3.ZoneAwareLoadBalancerSetting_Failover",
    "FailoverPriority failoverPriority []string",
    "MinClusterSize minClusterSize ~UInt64",
  ],
  "mesh.Certificate": ["SecretName secretName string", "DnsNames dnsNames []string"],
  "mesh.MeshConfig_ServiceSettings": [
    "Settings settings *mesh.MeshConfig_ServiceSettings_Settings",
    "Hosts hosts []string",
  ],
  "mesh.MeshConfig_ServiceScopeConfigs": [
    "NamespaceSelector namespaceSelector *mesh.LabelSelector",
    "ServicesSelector servicesSelector *mesh.LabelSelector",
    "Scope scope #mesh.MeshConfig_ServiceScopeConfigs_Scope",
  ],
  "mesh.MeshConfig_CA": [
    "Address address string",
    "TlsSettings tlsSettings *v1alpha3.ClientTLSSettings",
    "RequestTimeout requestTimeout duration",
    "IstiodSide istiodSide bool",
  ],
  "mesh.MeshConfig_ExtensionProvider": [
    "Name name string",
    "EnvoyExtAuthzHttp envoyExtAuthzHttp| *mesh.MeshConfig_ExtensionProvider_EnvoyExternalAuthorizationHttpProvider",
    "EnvoyExtAuthzGrpc envoyExtAuthzGrpc| *mesh.MeshConfig_ExtensionProvider_EnvoyExternalAuthorizationGrpcProvider",
    "Zipkin zipkin| *mesh.MeshConfig_ExtensionProvider_ZipkinTracingProvider",
    "Lightstep lightstep| *mesh.MeshConfig_ExtensionProvider_LightstepTracingProvider",
    "Datadog datadog| *mesh.MeshConfig_ExtensionProvider_DatadogTracingProvider",
    "Stackdriver stackdriver| *mesh.MeshConfig_ExtensionProvider_StackdriverProvider",
    "Opencensus opencensus| *mesh.MeshConfig_ExtensionProvider_OpenCensusAgentTracingProvider",
    "Skywalking skywalking| *mesh.MeshConfig_ExtensionProvider_SkyWalkingTracingProvider",
    "Opentelemetry opentelemetry| *mesh.MeshConfig_ExtensionProvider_OpenTelemetryTracingProvider",
    "Prometheus prometheus| *mesh.MeshConfig_ExtensionProvider_PrometheusMetricsProvider",
    "EnvoyFileAccessLog envoyFileAccessLog| *mesh.MeshConfig_ExtensionProvider_EnvoyFileAccessLogProvider",
    "EnvoyHttpAls envoyHttpAls| *mesh.MeshConfig_ExtensionProvider_EnvoyHttpGrpcV3LogProvider",
    "EnvoyTcpAls envoyTcpAls| *mesh.MeshConfig_ExtensionProvider_EnvoyTcpGrpcV3LogProvider",
    "EnvoyOtelAls envoyOtelAls| *mesh.MeshConfig_ExtensionProvider_EnvoyOpenTelemetryLogProvider",
    "Sds sds| *mesh.MeshConfig_ExtensionProvider_SDSProvider",
  ],
  "mesh.MeshConfig_DefaultProviders": [
    "Tracing tracing []string",
    "Metrics metrics []string",
    "AccessLogging accessLogging []string",
  ],
  "mesh.LabelSelector": [
    "MatchLabels matchLabels {}string",
    "MatchExpressions matchExpressions []*mesh.LabelSelectorRequirement",
  ],
  "mesh.MeshConfig_ProxyPathNormalization": [
    "Normalization normalization #mesh.MeshConfig_ProxyPathNormalization_NormalizationType",
  ],
  "v1alpha3.HTTPRetry": [
    "Attempts attempts int32",
    "PerTryTimeout perTryTimeout duration",
    "RetryOn retryOn string",
    "RetryRemoteLocalities retryRemoteLocalities ~Bool",
    "RetryIgnorePreviousHosts retryIgnorePreviousHosts ~Bool",
    "Backoff backoff duration",
  ],
  "mesh.MeshConfig_TLSConfig": [
    "MinProtocolVersion minProtocolVersion #mesh.MeshConfig_TLSConfig_TLSProtocol",
    "EcdhCurves ecdhCurves []string",
    "CipherSuites cipherSuites []string",
  ],
  "mesh.MeshConfig_DefaultTrafficPolicy": [
    "ConnectionPool connectionPool *v1alpha3.ConnectionPoolSettings",
    "OutlierDetection outlierDetection *v1alpha3.OutlierDetection",
  ],
  "mesh.ServiceEntryVisibility": [
    "DefaultVisibility defaultVisibility #mesh.ServiceEntryVisibility_Visibility",
    "ApplyToSidecars applyToSidecars bool",
    "Policies policies []*mesh.ServiceEntryVisibility_Policy",
  ],
  "mesh.Tracing_Zipkin": ["Address address string"],
  "mesh.Tracing_Lightstep": ["Address address string", "AccessToken accessToken string"],
  "mesh.Tracing_Datadog": ["Address address string"],
  "mesh.Tracing_Stackdriver": [
    "Debug debug bool",
    "MaxNumberOfAttributes maxNumberOfAttributes ~Int64",
    "MaxNumberOfAnnotations maxNumberOfAnnotations ~Int64",
    "MaxNumberOfMessageEvents maxNumberOfMessageEvents ~Int64",
  ],
  "mesh.Tracing_OpenCensusAgent": [
    "Address address string",
    "Context context []#mesh.Tracing_OpenCensusAgent_TraceContext",
  ],
  "mesh.Tracing_CustomTag": [
    "Literal literal| *mesh.Tracing_Literal",
    "Environment environment| *mesh.Tracing_Environment",
    "Header header| *mesh.Tracing_RequestHeader",
  ],
  "v1alpha3.ClientTLSSettings": [
    "Mode mode #v1alpha3.ClientTLSSettings_TLSmode",
    "ClientCertificate clientCertificate string",
    "PrivateKey privateKey string",
    "CaCertificates caCertificates string",
    "CredentialName credentialName string",
    "SubjectAltNames subjectAltNames []string",
    "Sni sni string",
    "InsecureSkipVerify insecureSkipVerify ~Bool",
    "CaCrl caCrl string",
  ],
  "mesh.Topology_ProxyProtocolConfiguration": [],
  "v1alpha3.HTTPHealthCheckConfig": [
    "Path path string",
    "Port port uint32",
    "Host host string",
    "Scheme scheme string",
    "HttpHeaders httpHeaders []*v1alpha3.HTTPHeader",
  ],
  "v1alpha3.TCPHealthCheckConfig": ["Host host string", "Port port uint32"],
  "v1alpha3.ExecHealthCheckConfig": ["Command command []string"],
  "v1alpha3.GrpcHealthCheckConfig": ["Port port uint32", "Service service string"],
  "mesh.PrivateKeyProvider_CryptoMb": ["PollDelay pollDelay duration", "Fallback fallback ~Bool"],
  "mesh.PrivateKeyProvider_QAT": ["PollDelay pollDelay duration", "Fallback fallback ~Bool"],
  "mesh.ProxyConfig_ProxyHeaders_SetCurrentClientCertDetails": [
    "Subject subject ~Bool",
    "Cert cert ~Bool",
    "Chain chain ~Bool",
    "Dns dns ~Bool",
    "Uri uri ~Bool",
  ],
  "mesh.ProxyConfig_ProxyHeaders_RequestId": ["Disabled disabled ~Bool"],
  "mesh.ProxyConfig_ProxyHeaders_Server": ["Disabled disabled ~Bool", "Value value string"],
  "mesh.ProxyConfig_ProxyHeaders_AttemptCount": ["Disabled disabled ~Bool"],
  "mesh.ProxyConfig_ProxyHeaders_EnvoyDebugHeaders": ["Disabled disabled ~Bool"],
  "mesh.ProxyConfig_ProxyHeaders_MetadataExchangeHeaders": [
    "Mode mode #mesh.ProxyConfig_ProxyHeaders_MetadataExchangeMode",
  ],
  "mesh.ProxyConfig_ProxyHeaders_XForwardedHost": ["Enabled enabled ~Bool"],
  "mesh.ProxyConfig_ProxyHeaders_XForwardedPort": ["Enabled enabled ~Bool"],
  "v1alpha3.LocalityLoadBalancerSetting_Distribute": ["From from string", "To to {}uint32"],
  "v1alpha3.LocalityLoadBalancerSetting_Failover": ["From from string", "To to string"],
  "v1alpha3.ZoneAwareLoadBalancerSetting_Failover": ["From from string", "To to string"],
  "mesh.MeshConfig_ServiceSettings_Settings": ["ClusterLocal clusterLocal bool"],
  "mesh.MeshConfig_ExtensionProvider_EnvoyExternalAuthorizationHttpProvider": [
    "Service service string",
    "Port port uint32",
    "Timeout timeout duration",
    "PathPrefix pathPrefix string",
    "FailOpen failOpen bool",
    "ClearRouteCache clearRouteCache bool",
    "StatusOnError statusOnError string",
    "IncludeHeadersInCheck includeHeadersInCheck []string",
    "IncludeRequestHeadersInCheck includeRequestHeadersInCheck []string",
    "IncludeAdditionalHeadersInCheck includeAdditionalHeadersInCheck {}string",
    "IncludeRequestBodyInCheck includeRequestBodyInCheck *mesh.MeshConfig_ExtensionProvider_EnvoyExternalAuthorizationRequestBody",
    "HeadersToUpstreamOnAllow headersToUpstreamOnAllow []string",
    "HeadersToDownstreamOnDeny headersToDownstreamOnDeny []string",
    "HeadersToDownstreamOnAllow headersToDownstreamOnAllow []string",
  ],
  "mesh.MeshConfig_ExtensionProvider_EnvoyExternalAuthorizationGrpcProvider": [
    "Service service string",
    "Port port uint32",
    "Timeout timeout duration",
    "FailOpen failOpen bool",
    "ClearRouteCache clearRouteCache bool",
    "StatusOnError statusOnError string",
    "IncludeRequestBodyInCheck includeRequestBodyInCheck *mesh.MeshConfig_ExtensionProvider_EnvoyExternalAuthorizationRequestBody",
  ],
  "mesh.MeshConfig_ExtensionProvider_ZipkinTracingProvider": [
    "Service service string",
    "Port port uint32",
    "MaxTagLength maxTagLength uint32",
    "Enable_64BitTraceId enable64bitTraceId bool",
    "Path path string",
    "TraceContextOption traceContextOption #mesh.MeshConfig_ExtensionProvider_ZipkinTracingProvider_TraceContextOption",
    "Timeout timeout duration",
    "Headers headers []*mesh.MeshConfig_ExtensionProvider_HttpHeader",
  ],
  "mesh.MeshConfig_ExtensionProvider_LightstepTracingProvider": [
    "Service service string",
    "Port port uint32",
    "AccessToken accessToken string",
    "MaxTagLength maxTagLength uint32",
  ],
  "mesh.MeshConfig_ExtensionProvider_DatadogTracingProvider": [
    "Service service string",
    "Port port uint32",
    "MaxTagLength maxTagLength uint32",
  ],
  "mesh.MeshConfig_ExtensionProvider_StackdriverProvider": [
    "Debug debug bool",
    "MaxNumberOfAttributes maxNumberOfAttributes ~Int64",
    "MaxNumberOfAnnotations maxNumberOfAnnotations ~Int64",
    "MaxNumberOfMessageEvents maxNumberOfMessageEvents ~Int64",
    "MaxTagLength maxTagLength uint32",
    "Logging logging *mesh.MeshConfig_ExtensionProvider_StackdriverProvider_Logging",
  ],
  "mesh.MeshConfig_ExtensionProvider_OpenCensusAgentTracingProvider": [
    "Service service string",
    "Port port uint32",
    "Context context []#mesh.MeshConfig_ExtensionProvider_OpenCensusAgentTracingProvider_TraceContext",
    "MaxTagLength maxTagLength uint32",
  ],
  "mesh.MeshConfig_ExtensionProvider_SkyWalkingTracingProvider": [
    "Service service string",
    "Port port uint32",
    "AccessToken accessToken string",
  ],
  "mesh.MeshConfig_ExtensionProvider_OpenTelemetryTracingProvider": [
    "Service service string",
    "Port port uint32",
    "MaxTagLength maxTagLength uint32",
    "Http http *mesh.MeshConfig_ExtensionProvider_HttpService",
    "Grpc grpc *mesh.MeshConfig_ExtensionProvider_GrpcService",
    "ResourceDetectors resourceDetectors *mesh.MeshConfig_ExtensionProvider_ResourceDetectors",
    "ServiceAttributeEnrichment serviceAttributeEnrichment #mesh.MeshConfig_ExtensionProvider_ServiceAttributeEnrichment",
    "DynatraceSampler dynatraceSampler| *mesh.MeshConfig_ExtensionProvider_OpenTelemetryTracingProvider_DynatraceSampler",
  ],
  "mesh.MeshConfig_ExtensionProvider_PrometheusMetricsProvider": [],
  "mesh.MeshConfig_ExtensionProvider_EnvoyFileAccessLogProvider": [
    "Path path string",
    "LogFormat logFormat *mesh.MeshConfig_ExtensionProvider_EnvoyFileAccessLogProvider_LogFormat",
    "OmitEmptyValues omitEmptyValues bool",
  ],
  "mesh.MeshConfig_ExtensionProvider_EnvoyHttpGrpcV3LogProvider": [
    "Service service string",
    "Port port uint32",
    "LogName logName string",
    "FilterStateObjectsToLog filterStateObjectsToLog []string",
    "AdditionalRequestHeadersToLog additionalRequestHeadersToLog []string",
    "AdditionalResponseHeadersToLog additionalResponseHeadersToLog []string",
    "AdditionalResponseTrailersToLog additionalResponseTrailersToLog []string",
  ],
  "mesh.MeshConfig_ExtensionProvider_EnvoyTcpGrpcV3LogProvider": [
    "Service service string",
    "Port port uint32",
    "LogName logName string",
    "FilterStateObjectsToLog filterStateObjectsToLog []string",
  ],
  "mesh.MeshConfig_ExtensionProvider_EnvoyOpenTelemetryLogProvider": [
    "Service service string",
    "Port port uint32",
    "LogName logName string",
    "LogFormat logFormat *mesh.MeshConfig_ExtensionProvider_EnvoyOpenTelemetryLogProvider_LogFormat",
  ],
  "mesh.MeshConfig_ExtensionProvider_SDSProvider": [
    "Name name string",
    "Service service string",
    "Port port uint32",
  ],
  "mesh.LabelSelectorRequirement": ["Key key string", "Operator operator string", "Values values []string"],
  "v1alpha3.ConnectionPoolSettings": [
    "Tcp tcp *v1alpha3.ConnectionPoolSettings_TCPSettings",
    "Http http *v1alpha3.ConnectionPoolSettings_HTTPSettings",
  ],
  "v1alpha3.OutlierDetection": [
    "ConsecutiveErrors consecutiveErrors int32",
    "SplitExternalLocalOriginErrors splitExternalLocalOriginErrors bool",
    "ConsecutiveLocalOriginFailures consecutiveLocalOriginFailures ~UInt32",
    "ConsecutiveGatewayErrors consecutiveGatewayErrors ~UInt32",
    "Consecutive_5XxErrors consecutive5xxErrors ~UInt32",
    "Interval interval duration",
    "BaseEjectionTime baseEjectionTime duration",
    "MaxEjectionPercent maxEjectionPercent int32",
    "MinHealthPercent minHealthPercent int32",
    "OutlierDetectionHttpErrorCodes outlierDetectionHttpErrorCodes []uint32",
  ],
  "mesh.ServiceEntryVisibility_Policy": [
    "Visibility visibility #mesh.ServiceEntryVisibility_Visibility",
    "MatchingRules matchingRules []*mesh.ServiceEntryVisibility_MatchRule",
  ],
  "mesh.Tracing_Literal": ["Value value string"],
  "mesh.Tracing_Environment": ["Name name string", "DefaultValue defaultValue string"],
  "mesh.Tracing_RequestHeader": ["Name name string", "DefaultValue defaultValue string"],
  "v1alpha3.HTTPHeader": ["Name name string", "Value value string"],
  "mesh.MeshConfig_ExtensionProvider_EnvoyExternalAuthorizationRequestBody": [
    "MaxRequestBytes maxRequestBytes uint32",
    "AllowPartialMessage allowPartialMessage bool",
    "PackAsBytes packAsBytes bool",
  ],
  "mesh.MeshConfig_ExtensionProvider_HttpHeader": [
    "Name name string",
    "Value value| string",
    "EnvName envName| string",
  ],
  "mesh.MeshConfig_ExtensionProvider_StackdriverProvider_Logging": ["Labels labels {}string"],
  "mesh.MeshConfig_ExtensionProvider_HttpService": [
    "Path path string",
    "Timeout timeout duration",
    "Headers headers []*mesh.MeshConfig_ExtensionProvider_HttpHeader",
  ],
  "mesh.MeshConfig_ExtensionProvider_GrpcService": [
    "Timeout timeout duration",
    "InitialMetadata initialMetadata []*mesh.MeshConfig_ExtensionProvider_HttpHeader",
  ],
  "mesh.MeshConfig_ExtensionProvider_ResourceDetectors": [
    "Environment environment *mesh.MeshConfig_ExtensionProvider_ResourceDetectors_EnvironmentResourceDetector",
    "Dynatrace dynatrace *mesh.MeshConfig_ExtensionProvider_ResourceDetectors_DynatraceResourceDetector",
  ],
  "mesh.MeshConfig_ExtensionProvider_OpenTelemetryTracingProvider_DynatraceSampler": [
    "Tenant tenant string",
    "ClusterId clusterId int32",
    "RootSpansPerMinute rootSpansPerMinute uint32",
    "HttpService httpService *mesh.MeshConfig_ExtensionProvider_OpenTelemetryTracingProvider_DynatraceSampler_DynatraceApi",
  ],
  "mesh.MeshConfig_ExtensionProvider_EnvoyFileAccessLogProvider_LogFormat": [
    "Text text| string",
    "Labels labels| any",
  ],
  "mesh.MeshConfig_ExtensionProvider_EnvoyOpenTelemetryLogProvider_LogFormat": [
    "Text text string",
    "Labels labels any",
  ],
  "v1alpha3.ConnectionPoolSettings_TCPSettings": [
    "MaxConnections maxConnections int32",
    "ConnectTimeout connectTimeout duration",
    "TcpKeepalive tcpKeepalive *v1alpha3.ConnectionPoolSettings_TCPSettings_TcpKeepalive",
    "MaxConnectionDuration maxConnectionDuration duration",
    "IdleTimeout idleTimeout duration",
  ],
  "v1alpha3.ConnectionPoolSettings_HTTPSettings": [
    "Http1MaxPendingRequests http1MaxPendingRequests int32",
    "Http2MaxRequests http2MaxRequests int32",
    "MaxRequestsPerConnection maxRequestsPerConnection int32",
    "MaxRetries maxRetries int32",
    "IdleTimeout idleTimeout duration",
    "H2UpgradePolicy h2UpgradePolicy #v1alpha3.ConnectionPoolSettings_HTTPSettings_H2UpgradePolicy",
    "UseClientProtocol useClientProtocol bool",
    "MaxConcurrentStreams maxConcurrentStreams int32",
    "Http2KeepAlive http2KeepAlive *v1alpha3.ConnectionPoolSettings_HTTPSettings_ConnectionKeepalive",
  ],
  "mesh.ServiceEntryVisibility_MatchRule": ["NamespaceSelector namespaceSelector| *mesh.LabelSelector"],
  "mesh.MeshConfig_ExtensionProvider_ResourceDetectors_EnvironmentResourceDetector": [],
  "mesh.MeshConfig_ExtensionProvider_ResourceDetectors_DynatraceResourceDetector": [],
  "mesh.MeshConfig_ExtensionProvider_OpenTelemetryTracingProvider_DynatraceSampler_DynatraceApi": [
    "Service service string",
    "Port port uint32",
    "Http http *mesh.MeshConfig_ExtensionProvider_HttpService",
  ],
  "v1alpha3.ConnectionPoolSettings_HTTPSettings_ConnectionKeepalive": [
    "Interval interval duration",
    "Timeout timeout duration",
  ],
  // END GENERATED MESSAGES
};

const ENUMS: Record<string, readonly (readonly [number, string])[]> = {
  // BEGIN GENERATED ENUMS (scripts/gen-proto-types.mjs)
  "mesh.AuthenticationPolicy": [
    [0, "NONE"],
    [1, "MUTUAL_TLS"],
    [1000, "INHERIT"],
  ],
  "mesh.ForwardClientCertDetails": [
    [0, "UNDEFINED"],
    [1, "SANITIZE"],
    [2, "FORWARD_ONLY"],
    [3, "APPEND_FORWARD"],
    [4, "SANITIZE_SET"],
    [5, "ALWAYS_FORWARD_ONLY"],
  ],
  "mesh.MeshConfig_AccessLogEncoding": [
    [0, "TEXT"],
    [1, "JSON"],
  ],
  "mesh.MeshConfig_ExtensionProvider_OpenCensusAgentTracingProvider_TraceContext": [
    [0, "UNSPECIFIED"],
    [1, "W3C_TRACE_CONTEXT"],
    [2, "GRPC_BIN"],
    [3, "CLOUD_TRACE_CONTEXT"],
    [4, "B3"],
  ],
  "mesh.MeshConfig_ExtensionProvider_ServiceAttributeEnrichment": [
    [0, "ISTIO_CANONICAL"],
    [1, "OTEL_SEMANTIC_CONVENTIONS"],
  ],
  "mesh.MeshConfig_ExtensionProvider_ZipkinTracingProvider_TraceContextOption": [
    [0, "USE_B3"],
    [1, "USE_B3_WITH_W3C_PROPAGATION"],
  ],
  "mesh.MeshConfig_H2UpgradePolicy": [
    [0, "DO_NOT_UPGRADE"],
    [1, "UPGRADE"],
  ],
  "mesh.MeshConfig_InboundTrafficPolicy_Mode": [
    [0, "PASSTHROUGH"],
    [1, "LOCALHOST"],
  ],
  "mesh.MeshConfig_IngressControllerMode": [
    [0, "UNSPECIFIED"],
    [1, "OFF"],
    [2, "DEFAULT"],
    [3, "STRICT"],
  ],
  "mesh.MeshConfig_OutboundTrafficPolicy_Mode": [
    [0, "REGISTRY_ONLY"],
    [1, "ALLOW_ANY"],
    [3, "ALLOW_ANY_DYNAMIC_DNS"],
  ],
  "mesh.MeshConfig_ProxyPathNormalization_NormalizationType": [
    [0, "DEFAULT"],
    [1, "NONE"],
    [2, "BASE"],
    [3, "MERGE_SLASHES"],
    [4, "DECODE_AND_MERGE_SLASHES"],
  ],
  "mesh.MeshConfig_ServiceScopeConfigs_Scope": [
    [0, "LOCAL"],
    [1, "GLOBAL"],
  ],
  "mesh.MeshConfig_TLSConfig_TLSProtocol": [
    [0, "TLS_AUTO"],
    [1, "TLSV1_2"],
    [2, "TLSV1_3"],
  ],
  "mesh.ProxyConfig_ConnectionSettings_HeadersWithUnderscoresAction": [
    [0, "HEADERS_WITH_UNDERSCORES_UNSPECIFIED"],
    [1, "HEADERS_WITH_UNDERSCORES_ALLOW"],
    [2, "HEADERS_WITH_UNDERSCORES_REJECT_REQUEST"],
    [3, "HEADERS_WITH_UNDERSCORES_DROP_HEADER"],
  ],
  "mesh.ProxyConfig_ConnectionSettings_PathWithEscapedSlashesAction": [
    [0, "PATH_WITH_ESCAPED_SLASHES_UNSPECIFIED"],
    [1, "KEEP_UNCHANGED"],
    [2, "REJECT_REQUEST"],
    [3, "UNESCAPE_AND_REDIRECT"],
    [4, "UNESCAPE_AND_FORWARD"],
  ],
  "mesh.ProxyConfig_ConnectionSettings_Profile": [
    [0, "SIDECAR"],
    [1, "EDGE"],
  ],
  "mesh.ProxyConfig_InboundInterceptionMode": [
    [0, "REDIRECT"],
    [1, "TPROXY"],
    [2, "NONE"],
  ],
  "mesh.ProxyConfig_ProxyHeaders_MetadataExchangeMode": [
    [0, "UNDEFINED"],
    [1, "IN_MESH"],
  ],
  "mesh.ProxyConfig_TracingServiceName": [
    [0, "APP_LABEL_AND_NAMESPACE"],
    [1, "CANONICAL_NAME_ONLY"],
    [2, "CANONICAL_NAME_AND_NAMESPACE"],
  ],
  "mesh.Resource": [[0, "SERVICE_REGISTRY"]],
  "mesh.ServiceEntryVisibility_Visibility": [
    [0, "VISIBILITY_UNSPECIFIED"],
    [1, "NONE"],
    [2, "NAMESPACE"],
    [3, "PUBLIC"],
  ],
  "mesh.Tracing_OpenCensusAgent_TraceContext": [
    [0, "UNSPECIFIED"],
    [1, "W3C_TRACE_CONTEXT"],
    [2, "GRPC_BIN"],
    [3, "CLOUD_TRACE_CONTEXT"],
    [4, "B3"],
  ],
  "v1alpha3.ClientTLSSettings_TLSmode": [
    [0, "DISABLE"],
    [1, "SIMPLE"],
    [2, "MUTUAL"],
    [3, "ISTIO_MUTUAL"],
  ],
  "v1alpha3.ConnectionPoolSettings_HTTPSettings_H2UpgradePolicy": [
    [0, "DEFAULT"],
    [1, "DO_NOT_UPGRADE"],
    [2, "UPGRADE"],
  ],
  // END GENERATED ENUMS
};

const WRAPPER_KINDS: Record<string, GoType> = {
  Bool: { kind: "bool" },
  String: { kind: "string" },
  Bytes: { kind: "string", name: "[]uint8" },
  Int32: { kind: "int32" },
  UInt32: { kind: "uint32" },
  Int64: { kind: "int64" },
  UInt64: { kind: "uint64" },
  Double: { kind: "float64" },
  Float: { kind: "float64", name: "float32" },
};

const marshalProto: Method = (recv) => {
  const out = protoJSON(recv);
  return out.ok ? out.value : "null";
};

/** `*wrapperspb.XValue`: the raw JSON is the bare value; GetValue reads it (nil → zero). */
function wrapper(kind: string): GoType {
  const value = WRAPPER_KINDS[kind] ?? ANY;
  const t: GoType = {
    kind: "struct",
    name: `wrapperspb.${kind}Value`,
    fields: [{ go: "Value", json: "value", type: value }],
    methods: {
      GetValue: (recv) => typed(value, recv.raw),
      MarshalJSON: marshalProto,
      // protobuf-go's text format: `value:true`. Its spacing is randomised upstream; this is one form.
      String: (recv) =>
        recv.raw === undefined || recv.raw === null ? "" : `value:${JSON.stringify(recv.raw)}`,
    },
  };
  PROTO_MESSAGES.add(t);
  return { kind: "ptr", elem: t };
}

const DURATION: GoType = { kind: "duration" };

function enumType(name: string): GoType {
  const names: string[] = [];
  for (const [n, label] of ENUMS[name] ?? []) names[n] = label;
  return { kind: "enum", name, names };
}

const atoms: Record<string, GoType> = {
  duration: DURATION,
  any: ANY,
  bytes: { kind: "string", name: "[]uint8" },
};
for (const k of Object.keys(WRAPPER_KINDS)) atoms[`~${k}`] = wrapper(k);
for (const e of Object.keys(ENUMS)) atoms[`#${e}`] = enumType(e);

const table: Record<string, string[]> = {};
const oneofs = new Map<string, Set<string>>();
for (const [name, fields] of Object.entries(MESSAGES)) {
  table[name] = fields.map((f) => {
    const [go = "", json = "", type = ""] = f.split(" ");
    if (json.endsWith("|")) {
      const set = oneofs.get(name) ?? new Set<string>();
      set.add(go);
      oneofs.set(name, set);
    }
    return `${go} ${json.replace(/\|$/, "")} ${type}`;
  });
}
const lookup = typeTable(table, atoms);

const built = new Set<string>();
/** A message type by name (`mesh.ProxyConfig`), with its getters, String and MarshalJSON. */
export function protoType(name: string): GoType & { kind: "struct" } {
  const t = lookup(name) as GoType & { kind: "struct" };
  if (built.has(name)) return t;
  built.add(name);
  PROTO_MESSAGES.add(t);
  const methods: Record<string, Method> = { MarshalJSON: marshalProto, String: marshalProto };
  const members = oneofs.get(name);
  for (const f of t.fields) {
    if (members?.has(f.go)) ONEOF_FIELDS.add(f);
    // Getters work on nil receivers: a nil message's raw is null, so every field reads as zero.
    methods[`Get${f.go}`] = (recv: Typed) => {
      const raw = recv.raw as Record<string, unknown> | null | undefined;
      return typed(f.type, raw?.[f.json]);
    };
    // Nested messages get their methods too, on first use of this type.
    const inner = f.type.kind === "ptr" ? f.type.elem : f.type.kind === "slice" ? f.type.elem : f.type;
    const target = inner.kind === "ptr" ? inner.elem : inner;
    if (target.kind === "struct" && MESSAGES[target.name]) protoType(target.name);
    if (f.type.kind === "map" && f.type.elem.kind === "ptr" && f.type.elem.elem.kind === "struct") {
      const m = f.type.elem.elem.name;
      if (MESSAGES[m]) protoType(m);
    }
  }
  t.methods = methods;
  return t;
}

export const PROXY_CONFIG: GoType = { kind: "ptr", elem: protoType("mesh.ProxyConfig") };
export const MESH_CONFIG: GoType = { kind: "ptr", elem: protoType("mesh.MeshConfig") };

/** time.Duration.String() of a proto JSON duration (`90s` → `1m30s`); nil → `0s`. */
export function formatGoDuration(raw: unknown): string {
  const d = parseDuration(raw);
  if (!d) return "0s";
  // AsDuration saturates at ±292 years; Go's String then prints the clamped value.
  const max = 9223372036854775807n;
  let ns = d.seconds * 1_000_000_000n + BigInt(d.nanos);
  if (ns > max) ns = max;
  if (ns < -max - 1n) ns = -max - 1n;
  return goDurationString(ns);
}

/** Go's time.Duration.String for a nanosecond count. */
export function goDurationString(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    // Sub-second: the largest unit that keeps a non-zero integer part.
    const [unit, scale] = u < 1000n ? ["ns", 1n] : u < 1_000_000n ? ["µs", 1000n] : ["ms", 1_000_000n];
    out = fixed(u, scale) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u -= h * 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u -= m * 60_000_000_000n;
    out = `${fixed(u, 1_000_000_000n)}s`;
    if (h > 0n || m > 0n) out = `${m}m${out}`;
    if (h > 0n) out = `${h}h${out}`;
  }
  return neg ? `-${out}` : out;
}

function fixed(v: bigint, scale: bigint): string {
  const int = v / scale;
  if (scale === 1n) return int.toString();
  const frac = (v % scale)
    .toString()
    .padStart(scale.toString().length - 1, "0")
    .replace(/0+$/, "");
  return frac === "" ? int.toString() : `${int}.${frac}`;
}

export { durationJSON };
