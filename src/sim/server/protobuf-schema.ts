/**
 * Protobuf message layouts of the Kubernetes kinds whose request bodies the simulator decodes (what kubectl's
 * typed clients and helm's storage driver send). Field names, numbers and types are facts taken from the
 * generated.proto files of k8s.io/api (core, apps, batch, rbac, policy, networking, scheduling, coordination,
 * authorization v1),
 * restricted to the messages reachable from the kinds below; comments and options are dropped. Messages of
 * groups other than core carry a `<group>_` prefix; apimachinery types (ObjectMeta, Time, IntOrString, Quantity,
 * LabelSelector, Condition, Duration, ListMeta) are declared in protobuf.ts.
 */

/** `apiVersion/Kind` -> message name in `kindSchema`. */
export const protobufKinds: Record<string, string> = {
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/Event': 'Event',
  'v1/Endpoints': 'Endpoints',
  'v1/LimitRange': 'LimitRange',
  'rbac.authorization.k8s.io/v1/Role': 'rbac_Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'rbac_ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'rbac_RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'rbac_ClusterRoleBinding',
  'policy/v1/PodDisruptionBudget': 'policy_PodDisruptionBudget',
  'networking.k8s.io/v1/Ingress': 'networking_Ingress',
  'networking.k8s.io/v1/NetworkPolicy': 'networking_NetworkPolicy',
  'networking.k8s.io/v1/IngressClass': 'networking_IngressClass',
  'scheduling.k8s.io/v1/PriorityClass': 'scheduling_PriorityClass',
  'coordination.k8s.io/v1/Lease': 'coordination_Lease',
  'v1/Namespace': 'Namespace',
  'v1/Pod': 'Pod',
  'v1/Service': 'Service',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/ResourceQuota': 'ResourceQuota',
  'v1/PersistentVolumeClaim': 'PersistentVolumeClaim',
  'apps/v1/Deployment': 'apps_Deployment',
  'apps/v1/StatefulSet': 'apps_StatefulSet',
  'apps/v1/DaemonSet': 'apps_DaemonSet',
  'apps/v1/ReplicaSet': 'apps_ReplicaSet',
  'batch/v1/Job': 'batch_Job',
  'batch/v1/CronJob': 'batch_CronJob',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'authorization_SelfSubjectAccessReview',
};

/** Embedded Go structs (`Message.field`): their fields appear inline in the JSON form of the outer message. */
export const inlineFields: ReadonlySet<string> = new Set([
  'Volume.volumeSource',
  'SecretProjection.localObjectReference',
  'ConfigMapVolumeSource.localObjectReference',
  'ConfigMapProjection.localObjectReference',
  'ConfigMapKeySelector.localObjectReference',
  'SecretKeySelector.localObjectReference',
  'ConfigMapEnvSource.localObjectReference',
  'SecretEnvSource.localObjectReference',
  'Probe.handler',
  'networking_IngressRule.ingressRuleValue',
]);

/** One message per line. */
export const kindSchema = `
message authorization_SelfSubjectAccessReview{optional ObjectMeta metadata=1; optional authorization_SelfSubjectAccessReviewSpec spec=2; optional authorization_SubjectAccessReviewStatus status=3;}
message authorization_SelfSubjectAccessReviewSpec{optional authorization_ResourceAttributes resourceAttributes=1; optional authorization_NonResourceAttributes nonResourceAttributes=2;}
message authorization_ResourceAttributes{optional string namespace=1; optional string verb=2; optional string group=3; optional string version=4; optional string resource=5; optional string subresource=6; optional string name=7;}
message authorization_NonResourceAttributes{optional string path=1; optional string verb=2;}
message authorization_SubjectAccessReviewStatus{optional bool allowed=1; optional bool denied=4; optional string reason=2; optional string evaluationError=3;}
message ConfigMap{optional ObjectMeta metadata=1; optional bool immutable=4; map<string,string> data=2; map<string,bytes> binaryData=3;}
message Secret{optional ObjectMeta metadata=1; optional bool immutable=5; map<string,bytes> data=2; map<string,string> stringData=4; optional string type=3;}
message Event{optional ObjectMeta metadata=1; optional ObjectReference involvedObject=2; optional string reason=3; optional string message=4; optional EventSource source=5; optional Time firstTimestamp=6; optional Time lastTimestamp=7; optional int32 count=8; optional string type=9; optional Time eventTime=10; optional EventSeries series=11; optional string action=12; optional ObjectReference related=13; optional string reportingComponent=14; optional string reportingInstance=15;}
message ObjectReference{optional string kind=1; optional string namespace=2; optional string name=3; optional string uid=4; optional string apiVersion=5; optional string resourceVersion=6; optional string fieldPath=7;}
message EventSource{optional string component=1; optional string host=2;}
message EventSeries{optional int32 count=1; optional Time lastObservedTime=2;}
message Endpoints{optional ObjectMeta metadata=1; repeated EndpointSubset subsets=2;}
message EndpointSubset{repeated EndpointAddress addresses=1; repeated EndpointAddress notReadyAddresses=2; repeated EndpointPort ports=3;}
message EndpointAddress{optional string ip=1; optional string hostname=3; optional string nodeName=4; optional ObjectReference targetRef=2;}
message EndpointPort{optional string name=1; optional int32 port=2; optional string protocol=3; optional string appProtocol=4;}
message LimitRange{optional ObjectMeta metadata=1; optional LimitRangeSpec spec=2;}
message LimitRangeSpec{repeated LimitRangeItem limits=1;}
message LimitRangeItem{optional string type=1; map<string,Quantity> max=2; map<string,Quantity> min=3; map<string,Quantity> default=4; map<string,Quantity> defaultRequest=5; map<string,Quantity> maxLimitRequestRatio=6;}
message rbac_Role{optional ObjectMeta metadata=1; repeated rbac_PolicyRule rules=2;}
message rbac_PolicyRule{repeated string verbs=1; repeated string apiGroups=2; repeated string resources=3; repeated string resourceNames=4; repeated string nonResourceURLs=5;}
message rbac_ClusterRole{optional ObjectMeta metadata=1; repeated rbac_PolicyRule rules=2; optional rbac_AggregationRule aggregationRule=3;}
message rbac_AggregationRule{repeated LabelSelector clusterRoleSelectors=1;}
message rbac_RoleBinding{optional ObjectMeta metadata=1; repeated rbac_Subject subjects=2; optional rbac_RoleRef roleRef=3;}
message rbac_Subject{optional string kind=1; optional string apiGroup=2; optional string name=3; optional string namespace=4;}
message rbac_RoleRef{optional string apiGroup=1; optional string kind=2; optional string name=3;}
message rbac_ClusterRoleBinding{optional ObjectMeta metadata=1; repeated rbac_Subject subjects=2; optional rbac_RoleRef roleRef=3;}
message policy_PodDisruptionBudget{optional ObjectMeta metadata=1; optional policy_PodDisruptionBudgetSpec spec=2; optional policy_PodDisruptionBudgetStatus status=3;}
message policy_PodDisruptionBudgetSpec{optional IntOrString minAvailable=1; optional LabelSelector selector=2; optional IntOrString maxUnavailable=3; optional string unhealthyPodEvictionPolicy=4;}
message policy_PodDisruptionBudgetStatus{optional int64 observedGeneration=1; map<string,Time> disruptedPods=2; optional int32 disruptionsAllowed=3; optional int32 currentHealthy=4; optional int32 desiredHealthy=5; optional int32 expectedPods=6; repeated Condition conditions=7;}
message networking_Ingress{optional ObjectMeta metadata=1; optional networking_IngressSpec spec=2; optional networking_IngressStatus status=3;}
message networking_IngressSpec{optional string ingressClassName=4; optional networking_IngressBackend defaultBackend=1; repeated networking_IngressTLS tls=2; repeated networking_IngressRule rules=3;}
message networking_IngressBackend{optional networking_IngressServiceBackend service=4; optional TypedLocalObjectReference resource=3;}
message networking_IngressServiceBackend{optional string name=1; optional networking_ServiceBackendPort port=2;}
message networking_ServiceBackendPort{optional string name=1; optional int32 number=2;}
message TypedLocalObjectReference{optional string apiGroup=1; optional string kind=2; optional string name=3;}
message networking_IngressTLS{repeated string hosts=1; optional string secretName=2;}
message networking_IngressRule{optional string host=1; optional networking_IngressRuleValue ingressRuleValue=2;}
message networking_IngressRuleValue{optional networking_HTTPIngressRuleValue http=1;}
message networking_HTTPIngressRuleValue{repeated networking_HTTPIngressPath paths=1;}
message networking_HTTPIngressPath{optional string path=1; optional string pathType=3; optional networking_IngressBackend backend=2;}
message networking_IngressStatus{optional networking_IngressLoadBalancerStatus loadBalancer=1;}
message networking_IngressLoadBalancerStatus{repeated networking_IngressLoadBalancerIngress ingress=1;}
message networking_IngressLoadBalancerIngress{optional string ip=1; optional string hostname=2; repeated networking_IngressPortStatus ports=4;}
message networking_IngressPortStatus{optional int32 port=1; optional string protocol=2; optional string error=3;}
message networking_NetworkPolicy{optional ObjectMeta metadata=1; optional networking_NetworkPolicySpec spec=2;}
message networking_NetworkPolicySpec{optional LabelSelector podSelector=1; repeated networking_NetworkPolicyIngressRule ingress=2; repeated networking_NetworkPolicyEgressRule egress=3; repeated string policyTypes=4;}
message networking_NetworkPolicyIngressRule{repeated networking_NetworkPolicyPort ports=1; repeated networking_NetworkPolicyPeer from=2;}
message networking_NetworkPolicyPort{optional string protocol=1; optional IntOrString port=2; optional int32 endPort=3;}
message networking_NetworkPolicyPeer{optional LabelSelector podSelector=1; optional LabelSelector namespaceSelector=2; optional networking_IPBlock ipBlock=3;}
message networking_IPBlock{optional string cidr=1; repeated string except=2;}
message networking_NetworkPolicyEgressRule{repeated networking_NetworkPolicyPort ports=1; repeated networking_NetworkPolicyPeer to=2;}
message networking_IngressClass{optional ObjectMeta metadata=1; optional networking_IngressClassSpec spec=2;}
message networking_IngressClassSpec{optional string controller=1; optional networking_IngressClassParametersReference parameters=2;}
message networking_IngressClassParametersReference{optional string aPIGroup=1; optional string kind=2; optional string name=3; optional string scope=4; optional string namespace=5;}
message scheduling_PriorityClass{optional ObjectMeta metadata=1; optional int32 value=2; optional bool globalDefault=3; optional string description=4; optional string preemptionPolicy=5;}
message coordination_Lease{optional ObjectMeta metadata=1; optional coordination_LeaseSpec spec=2;}
message coordination_LeaseSpec{optional string holderIdentity=1; optional int32 leaseDurationSeconds=2; optional Time acquireTime=3; optional Time renewTime=4; optional int32 leaseTransitions=5; optional string strategy=6; optional string preferredHolder=7;}
message Namespace{optional ObjectMeta metadata=1; optional NamespaceSpec spec=2; optional NamespaceStatus status=3;}
message NamespaceSpec{repeated string finalizers=1;}
message NamespaceStatus{optional string phase=1; repeated NamespaceCondition conditions=2;}
message NamespaceCondition{optional string type=1; optional string status=2; optional Time lastTransitionTime=4; optional string reason=5; optional string message=6;}
message Pod{optional ObjectMeta metadata=1; optional PodSpec spec=2; optional PodStatus status=3;}
message PodSpec{repeated Volume volumes=1; repeated Container initContainers=20; repeated Container containers=2; repeated EphemeralContainer ephemeralContainers=34; optional string restartPolicy=3; optional int64 terminationGracePeriodSeconds=4; optional int64 activeDeadlineSeconds=5; optional string dnsPolicy=6; map<string,string> nodeSelector=7; optional string serviceAccountName=8; optional string serviceAccount=9; optional bool automountServiceAccountToken=21; optional string nodeName=10; optional bool hostNetwork=11; optional bool hostPID=12; optional bool hostIPC=13; optional bool shareProcessNamespace=27; optional PodSecurityContext securityContext=14; repeated LocalObjectReference imagePullSecrets=15; optional string hostname=16; optional string subdomain=17; optional Affinity affinity=18; optional string schedulerName=19; repeated Toleration tolerations=22; repeated HostAlias hostAliases=23; optional string priorityClassName=24; optional int32 priority=25; optional PodDNSConfig dnsConfig=26; repeated PodReadinessGate readinessGates=28; optional string runtimeClassName=29; optional bool enableServiceLinks=30; optional string preemptionPolicy=31; map<string,Quantity> overhead=32; repeated TopologySpreadConstraint topologySpreadConstraints=33; optional bool setHostnameAsFQDN=35; optional PodOS os=36; optional bool hostUsers=37; repeated PodSchedulingGate schedulingGates=38; repeated PodResourceClaim resourceClaims=39; optional ResourceRequirements resources=40; optional string hostnameOverride=41; optional PodSchedulingGroup schedulingGroup=43; repeated EvictionResponder evictionResponders=44;}
message Volume{optional string name=1; optional VolumeSource volumeSource=2;}
message VolumeSource{optional HostPathVolumeSource hostPath=1; optional EmptyDirVolumeSource emptyDir=2; optional GCEPersistentDiskVolumeSource gcePersistentDisk=3; optional AWSElasticBlockStoreVolumeSource awsElasticBlockStore=4; optional GitRepoVolumeSource gitRepo=5; optional SecretVolumeSource secret=6; optional NFSVolumeSource nfs=7; optional ISCSIVolumeSource iscsi=8; optional GlusterfsVolumeSource glusterfs=9; optional PersistentVolumeClaimVolumeSource persistentVolumeClaim=10; optional RBDVolumeSource rbd=11; optional FlexVolumeSource flexVolume=12; optional CinderVolumeSource cinder=13; optional CephFSVolumeSource cephfs=14; optional FlockerVolumeSource flocker=15; optional DownwardAPIVolumeSource downwardAPI=16; optional FCVolumeSource fc=17; optional AzureFileVolumeSource azureFile=18; optional ConfigMapVolumeSource configMap=19; optional VsphereVirtualDiskVolumeSource vsphereVolume=20; optional QuobyteVolumeSource quobyte=21; optional AzureDiskVolumeSource azureDisk=22; optional PhotonPersistentDiskVolumeSource photonPersistentDisk=23; optional ProjectedVolumeSource projected=26; optional PortworxVolumeSource portworxVolume=24; optional ScaleIOVolumeSource scaleIO=25; optional StorageOSVolumeSource storageos=27; optional CSIVolumeSource csi=28; optional EphemeralVolumeSource ephemeral=29; optional ImageVolumeSource image=30;}
message HostPathVolumeSource{optional string path=1; optional string type=2;}
message EmptyDirVolumeSource{optional string medium=1; optional Quantity sizeLimit=2; optional int32 mode=3;}
message GCEPersistentDiskVolumeSource{optional string pdName=1; optional string fsType=2; optional int32 partition=3; optional bool readOnly=4;}
message AWSElasticBlockStoreVolumeSource{optional string volumeID=1; optional string fsType=2; optional int32 partition=3; optional bool readOnly=4;}
message GitRepoVolumeSource{optional string repository=1; optional string revision=2; optional string directory=3;}
message SecretVolumeSource{optional string secretName=1; repeated KeyToPath items=2; optional int32 defaultMode=3; optional bool optional=4; optional int64 defaultUser=5;}
message KeyToPath{optional string key=1; optional string path=2; optional int32 mode=3; optional int64 user=4;}
message NFSVolumeSource{optional string server=1; optional string path=2; optional bool readOnly=3;}
message ISCSIVolumeSource{optional string targetPortal=1; optional string iqn=2; optional int32 lun=3; optional string iscsiInterface=4; optional string fsType=5; optional bool readOnly=6; repeated string portals=7; optional bool chapAuthDiscovery=8; optional bool chapAuthSession=11; optional LocalObjectReference secretRef=10; optional string initiatorName=12;}
message LocalObjectReference{optional string name=1;}
message GlusterfsVolumeSource{optional string endpoints=1; optional string path=2; optional bool readOnly=3;}
message PersistentVolumeClaimVolumeSource{optional string claimName=1; optional bool readOnly=2;}
message RBDVolumeSource{repeated string monitors=1; optional string image=2; optional string fsType=3; optional string pool=4; optional string user=5; optional string keyring=6; optional LocalObjectReference secretRef=7; optional bool readOnly=8;}
message FlexVolumeSource{optional string driver=1; optional string fsType=2; optional LocalObjectReference secretRef=3; optional bool readOnly=4; map<string,string> options=5;}
message CinderVolumeSource{optional string volumeID=1; optional string fsType=2; optional bool readOnly=3; optional LocalObjectReference secretRef=4;}
message CephFSVolumeSource{repeated string monitors=1; optional string path=2; optional string user=3; optional string secretFile=4; optional LocalObjectReference secretRef=5; optional bool readOnly=6;}
message FlockerVolumeSource{optional string datasetName=1; optional string datasetUUID=2;}
message DownwardAPIVolumeSource{repeated DownwardAPIVolumeFile items=1; optional int32 defaultMode=2; optional int64 defaultUser=3;}
message DownwardAPIVolumeFile{optional string path=1; optional ObjectFieldSelector fieldRef=2; optional ResourceFieldSelector resourceFieldRef=3; optional int32 mode=4; optional int64 user=5;}
message ObjectFieldSelector{optional string apiVersion=1; optional string fieldPath=2;}
message ResourceFieldSelector{optional string containerName=1; optional string resource=2; optional Quantity divisor=3;}
message FCVolumeSource{repeated string targetWWNs=1; optional int32 lun=2; optional string fsType=3; optional bool readOnly=4; repeated string wwids=5;}
message AzureFileVolumeSource{optional string secretName=1; optional string shareName=2; optional bool readOnly=3;}
message ConfigMapVolumeSource{optional LocalObjectReference localObjectReference=1; repeated KeyToPath items=2; optional int32 defaultMode=3; optional bool optional=4; optional int64 defaultUser=5;}
message VsphereVirtualDiskVolumeSource{optional string volumePath=1; optional string fsType=2; optional string storagePolicyName=3; optional string storagePolicyID=4;}
message QuobyteVolumeSource{optional string registry=1; optional string volume=2; optional bool readOnly=3; optional string user=4; optional string group=5; optional string tenant=6;}
message AzureDiskVolumeSource{optional string diskName=1; optional string diskURI=2; optional string cachingMode=3; optional string fsType=4; optional bool readOnly=5; optional string kind=6;}
message PhotonPersistentDiskVolumeSource{optional string pdID=1; optional string fsType=2;}
message ProjectedVolumeSource{repeated VolumeProjection sources=1; optional int32 defaultMode=2; optional int64 defaultUser=3;}
message VolumeProjection{optional SecretProjection secret=1; optional DownwardAPIProjection downwardAPI=2; optional ConfigMapProjection configMap=3; optional ServiceAccountTokenProjection serviceAccountToken=4; optional ClusterTrustBundleProjection clusterTrustBundle=5; optional PodCertificateProjection podCertificate=6;}
message SecretProjection{optional LocalObjectReference localObjectReference=1; repeated KeyToPath items=2; optional bool optional=4;}
message DownwardAPIProjection{repeated DownwardAPIVolumeFile items=1;}
message ConfigMapProjection{optional LocalObjectReference localObjectReference=1; repeated KeyToPath items=2; optional bool optional=4;}
message ServiceAccountTokenProjection{optional string audience=1; optional int64 expirationSeconds=2; optional string path=3; optional int64 user=4;}
message ClusterTrustBundleProjection{optional string name=1; optional string signerName=2; optional LabelSelector labelSelector=3; optional bool optional=5; optional string path=4; optional int64 user=6;}
message PodCertificateProjection{optional string signerName=1; optional string keyType=2; optional int32 maxExpirationSeconds=3; optional string credentialBundlePath=4; optional string keyPath=5; optional string certificateChainPath=6; map<string,string> userAnnotations=7; optional int64 user=8;}
message PortworxVolumeSource{optional string volumeID=1; optional string fsType=2; optional bool readOnly=3;}
message ScaleIOVolumeSource{optional string gateway=1; optional string system=2; optional LocalObjectReference secretRef=3; optional bool sslEnabled=4; optional string protectionDomain=5; optional string storagePool=6; optional string storageMode=7; optional string volumeName=8; optional string fsType=9; optional bool readOnly=10;}
message StorageOSVolumeSource{optional string volumeName=1; optional string volumeNamespace=2; optional string fsType=3; optional bool readOnly=4; optional LocalObjectReference secretRef=5;}
message CSIVolumeSource{optional string driver=1; optional bool readOnly=2; optional string fsType=3; map<string,string> volumeAttributes=4; optional LocalObjectReference nodePublishSecretRef=5;}
message EphemeralVolumeSource{optional PersistentVolumeClaimTemplate volumeClaimTemplate=1;}
message PersistentVolumeClaimTemplate{optional ObjectMeta metadata=1; optional PersistentVolumeClaimSpec spec=2;}
message PersistentVolumeClaimSpec{repeated string accessModes=1; optional LabelSelector selector=4; optional VolumeResourceRequirements resources=2; optional string volumeName=3; optional string storageClassName=5; optional string volumeMode=6; optional TypedLocalObjectReference dataSource=7; optional TypedObjectReference dataSourceRef=8; optional string volumeAttributesClassName=9;}
message VolumeResourceRequirements{map<string,Quantity> limits=1; map<string,Quantity> requests=2;}
message TypedObjectReference{optional string apiGroup=1; optional string kind=2; optional string name=3; optional string namespace=4;}
message ImageVolumeSource{optional string reference=1; optional string pullPolicy=2;}
message Container{optional string name=1; optional string image=2; repeated string command=3; repeated string args=4; optional string workingDir=5; repeated ContainerPort ports=6; repeated EnvFromSource envFrom=19; repeated EnvVar env=7; optional ResourceRequirements resources=8; repeated ContainerResizePolicy resizePolicy=23; optional string restartPolicy=24; repeated ContainerRestartRule restartPolicyRules=25; repeated VolumeMount volumeMounts=9; repeated VolumeDevice volumeDevices=21; optional Probe livenessProbe=10; optional Probe readinessProbe=11; optional Probe startupProbe=22; optional Lifecycle lifecycle=12; optional string terminationMessagePath=13; optional string terminationMessagePolicy=20; optional string imagePullPolicy=14; optional SecurityContext securityContext=15; optional bool stdin=16; optional bool stdinOnce=17; optional bool tty=18;}
message ContainerPort{optional string name=1; optional int32 hostPort=2; optional int32 containerPort=3; optional string protocol=4; optional string hostIP=5;}
message EnvFromSource{optional string prefix=1; optional ConfigMapEnvSource configMapRef=2; optional SecretEnvSource secretRef=3;}
message ConfigMapEnvSource{optional LocalObjectReference localObjectReference=1; optional bool optional=2;}
message SecretEnvSource{optional LocalObjectReference localObjectReference=1; optional bool optional=2;}
message EnvVar{optional string name=1; optional string value=2; optional EnvVarSource valueFrom=3;}
message EnvVarSource{optional ObjectFieldSelector fieldRef=1; optional ResourceFieldSelector resourceFieldRef=2; optional ConfigMapKeySelector configMapKeyRef=3; optional SecretKeySelector secretKeyRef=4; optional FileKeySelector fileKeyRef=5;}
message ConfigMapKeySelector{optional LocalObjectReference localObjectReference=1; optional string key=2; optional bool optional=3;}
message SecretKeySelector{optional LocalObjectReference localObjectReference=1; optional string key=2; optional bool optional=3;}
message FileKeySelector{optional string volumeName=1; optional string path=2; optional string key=3; optional bool optional=4;}
message ResourceRequirements{map<string,Quantity> limits=1; map<string,Quantity> requests=2; repeated ResourceClaim claims=3;}
message ResourceClaim{optional string name=1; optional string request=2;}
message ContainerResizePolicy{optional string resourceName=1; optional string restartPolicy=2;}
message ContainerRestartRule{optional string action=1; optional ContainerRestartRuleOnExitCodes exitCodes=2;}
message ContainerRestartRuleOnExitCodes{optional string operator=1; repeated int32 values=2;}
message VolumeMount{optional string name=1; optional bool readOnly=2; optional string recursiveReadOnly=7; optional string mountPath=3; optional string subPath=4; optional string mountPropagation=5; optional string subPathExpr=6; repeated string bindMountOptions=8;}
message VolumeDevice{optional string name=1; optional string devicePath=2;}
message Probe{optional ProbeHandler handler=1; optional int32 initialDelaySeconds=2; optional int32 timeoutSeconds=3; optional int32 periodSeconds=4; optional int32 successThreshold=5; optional int32 failureThreshold=6; optional int64 terminationGracePeriodSeconds=7;}
message ProbeHandler{optional ExecAction exec=1; optional HTTPGetAction httpGet=2; optional TCPSocketAction tcpSocket=3; optional GRPCAction grpc=4;}
message ExecAction{repeated string command=1;}
message HTTPGetAction{optional string path=1; optional IntOrString port=2; optional string host=3; optional string scheme=4; repeated HTTPHeader httpHeaders=5; optional string protocol=6;}
message HTTPHeader{optional string name=1; optional string value=2;}
message TCPSocketAction{optional IntOrString port=1; optional string host=2;}
message GRPCAction{optional int32 port=1; optional string service=2; optional string mode=3;}
message Lifecycle{optional LifecycleHandler postStart=1; optional LifecycleHandler preStop=2; optional string stopSignal=3;}
message LifecycleHandler{optional ExecAction exec=1; optional HTTPGetAction httpGet=2; optional TCPSocketAction tcpSocket=3; optional SleepAction sleep=4;}
message SleepAction{optional int64 seconds=1;}
message SecurityContext{optional Capabilities capabilities=1; optional bool privileged=2; optional SELinuxOptions seLinuxOptions=3; optional WindowsSecurityContextOptions windowsOptions=10; optional int64 runAsUser=4; optional int64 runAsGroup=8; optional bool runAsNonRoot=5; optional bool readOnlyRootFilesystem=6; optional bool allowPrivilegeEscalation=7; optional string procMount=9; optional SeccompProfile seccompProfile=11; optional AppArmorProfile appArmorProfile=12;}
message Capabilities{repeated string add=1; repeated string drop=2;}
message SELinuxOptions{optional string user=1; optional string role=2; optional string type=3; optional string level=4;}
message WindowsSecurityContextOptions{optional string gmsaCredentialSpecName=1; optional string gmsaCredentialSpec=2; optional string runAsUserName=3; optional bool hostProcess=4;}
message SeccompProfile{optional string type=1; optional string localhostProfile=2;}
message AppArmorProfile{optional string type=1; optional string localhostProfile=2;}
message EphemeralContainer{optional EphemeralContainerCommon ephemeralContainerCommon=1; optional string targetContainerName=2;}
message EphemeralContainerCommon{optional string name=1; optional string image=2; repeated string command=3; repeated string args=4; optional string workingDir=5; repeated ContainerPort ports=6; repeated EnvFromSource envFrom=19; repeated EnvVar env=7; optional ResourceRequirements resources=8; repeated ContainerResizePolicy resizePolicy=23; optional string restartPolicy=24; repeated ContainerRestartRule restartPolicyRules=25; repeated VolumeMount volumeMounts=9; repeated VolumeDevice volumeDevices=21; optional Probe livenessProbe=10; optional Probe readinessProbe=11; optional Probe startupProbe=22; optional Lifecycle lifecycle=12; optional string terminationMessagePath=13; optional string terminationMessagePolicy=20; optional string imagePullPolicy=14; optional SecurityContext securityContext=15; optional bool stdin=16; optional bool stdinOnce=17; optional bool tty=18;}
message PodSecurityContext{optional SELinuxOptions seLinuxOptions=1; optional WindowsSecurityContextOptions windowsOptions=8; optional int64 runAsUser=2; optional int64 runAsGroup=6; optional bool runAsNonRoot=3; repeated int64 supplementalGroups=4; optional string supplementalGroupsPolicy=12; optional int64 fsGroup=5; repeated Sysctl sysctls=7; optional string fsGroupChangePolicy=9; optional SeccompProfile seccompProfile=10; optional AppArmorProfile appArmorProfile=11; optional string seLinuxChangePolicy=13;}
message Sysctl{optional string name=1; optional string value=2;}
message Affinity{optional NodeAffinity nodeAffinity=1; optional PodAffinity podAffinity=2; optional PodAntiAffinity podAntiAffinity=3;}
message NodeAffinity{optional NodeSelector requiredDuringSchedulingIgnoredDuringExecution=1; repeated PreferredSchedulingTerm preferredDuringSchedulingIgnoredDuringExecution=2;}
message NodeSelector{repeated NodeSelectorTerm nodeSelectorTerms=1;}
message NodeSelectorTerm{repeated NodeSelectorRequirement matchExpressions=1; repeated NodeSelectorRequirement matchFields=2;}
message NodeSelectorRequirement{optional string key=1; optional string operator=2; repeated string values=3;}
message PreferredSchedulingTerm{optional int32 weight=1; optional NodeSelectorTerm preference=2;}
message PodAffinity{repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution=1; repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution=2;}
message PodAffinityTerm{optional LabelSelector labelSelector=1; repeated string namespaces=2; optional string topologyKey=3; optional LabelSelector namespaceSelector=4; repeated string matchLabelKeys=5; repeated string mismatchLabelKeys=6;}
message WeightedPodAffinityTerm{optional int32 weight=1; optional PodAffinityTerm podAffinityTerm=2;}
message PodAntiAffinity{repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution=1; repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution=2;}
message Toleration{optional string key=1; optional string operator=2; optional string value=3; optional string effect=4; optional int64 tolerationSeconds=5;}
message HostAlias{optional string ip=1; repeated string hostnames=2;}
message PodDNSConfig{repeated string nameservers=1; repeated string searches=2; repeated PodDNSConfigOption options=3;}
message PodDNSConfigOption{optional string name=1; optional string value=2;}
message PodReadinessGate{optional string conditionType=1;}
message TopologySpreadConstraint{optional int32 maxSkew=1; optional string topologyKey=2; optional string whenUnsatisfiable=3; optional LabelSelector labelSelector=4; optional int32 minDomains=5; optional string nodeAffinityPolicy=6; optional string nodeTaintsPolicy=7; repeated string matchLabelKeys=8;}
message PodOS{optional string name=1;}
message PodSchedulingGate{optional string name=1;}
message PodResourceClaim{optional string name=1; optional string resourceClaimName=3; optional string resourceClaimTemplateName=4;}
message PodSchedulingGroup{optional string podGroupName=1;}
message EvictionResponder{optional string name=1; optional int32 priority=2;}
message PodStatus{optional int64 observedGeneration=17; optional string phase=1; repeated PodCondition conditions=2; optional string message=3; optional string reason=4; optional string nominatedNodeName=11; optional string hostIP=5; repeated HostIP hostIPs=16; optional string podIP=6; repeated PodIP podIPs=12; optional Time startTime=7; repeated ContainerStatus initContainerStatuses=10; repeated ContainerStatus containerStatuses=8; optional string qosClass=9; repeated ContainerStatus ephemeralContainerStatuses=13; optional string resize=14; repeated PodResourceClaimStatus resourceClaimStatuses=15; optional PodExtendedResourceClaimStatus extendedResourceClaimStatus=18; map<string,Quantity> allocatedResources=19; optional ResourceRequirements resources=20; repeated NodeAllocatableResourceClaimStatus nodeAllocatableResourceClaimStatuses=21; repeated PodVolumeHealth volumeHealth=22;}
message PodCondition{optional string type=1; optional int64 observedGeneration=7; optional string status=2; optional Time lastProbeTime=3; optional Time lastTransitionTime=4; optional string reason=5; optional string message=6;}
message HostIP{optional string ip=1;}
message PodIP{optional string ip=1;}
message ContainerStatus{optional string name=1; optional ContainerState state=2; optional ContainerState lastState=3; optional bool ready=4; optional int32 restartCount=5; optional string image=6; optional string imageID=7; optional string containerID=8; optional bool started=9; map<string,Quantity> allocatedResources=10; optional ResourceRequirements resources=11; repeated VolumeMountStatus volumeMounts=12; optional ContainerUser user=13; repeated ResourceStatus allocatedResourcesStatus=14; optional string stopSignal=15;}
message ContainerState{optional ContainerStateWaiting waiting=1; optional ContainerStateRunning running=2; optional ContainerStateTerminated terminated=3;}
message ContainerStateWaiting{optional string reason=1; optional string message=2;}
message ContainerStateRunning{optional Time startedAt=1;}
message ContainerStateTerminated{optional int32 exitCode=1; optional int32 signal=2; optional string reason=3; optional string message=4; optional Time startedAt=5; optional Time finishedAt=6; optional string containerID=7;}
message VolumeMountStatus{optional string name=1; optional string mountPath=2; optional bool readOnly=3; optional string recursiveReadOnly=4; optional VolumeStatus volumeStatus=5;}
message VolumeStatus{optional ImageVolumeStatus image=1;}
message ImageVolumeStatus{optional string imageRef=1;}
message ContainerUser{optional LinuxContainerUser linux=1;}
message LinuxContainerUser{optional int64 uid=1; optional int64 gid=2; repeated int64 supplementalGroups=3;}
message ResourceStatus{optional string name=1; repeated ResourceHealth resources=2;}
message ResourceHealth{optional string resourceID=1; optional string health=2; optional string message=6;}
message PodResourceClaimStatus{optional string name=1; optional string resourceClaimName=2;}
message PodExtendedResourceClaimStatus{repeated ContainerExtendedResourceRequest requestMappings=1; optional string resourceClaimName=2;}
message ContainerExtendedResourceRequest{optional string containerName=1; optional string resourceName=2; optional string requestName=3;}
message NodeAllocatableResourceClaimStatus{optional string resourceClaimName=1; repeated string containers=2; repeated NodeAllocatableMappedResources mapping=4; repeated NodeAllocatableOverheadResources overhead=5;}
message NodeAllocatableMappedResources{optional string name=1; optional Quantity quantity=2;}
message NodeAllocatableOverheadResources{optional string name=1; optional Quantity perPod=2; optional Quantity perContainer=3;}
message PodVolumeHealth{optional string name=1; repeated VolumeHealthCondition healthConditions=2; optional Time lastTransitionTime=3;}
message VolumeHealthCondition{optional string status=1; optional string reason=2; optional string message=3;}
message Service{optional ObjectMeta metadata=1; optional ServiceSpec spec=2; optional ServiceStatus status=3;}
message ServiceSpec{repeated ServicePort ports=1; map<string,string> selector=2; optional string clusterIP=3; repeated string clusterIPs=18; optional string type=4; repeated string externalIPs=5; optional string sessionAffinity=7; optional string loadBalancerIP=8; repeated string loadBalancerSourceRanges=9; optional string externalName=10; optional string externalTrafficPolicy=11; optional int32 healthCheckNodePort=12; optional bool publishNotReadyAddresses=13; optional SessionAffinityConfig sessionAffinityConfig=14; repeated string ipFamilies=19; optional string ipFamilyPolicy=17; optional bool allocateLoadBalancerNodePorts=20; optional string loadBalancerClass=21; optional string internalTrafficPolicy=22; optional string trafficDistribution=23;}
message ServicePort{optional string name=1; optional string protocol=2; optional string appProtocol=6; optional int32 port=3; optional IntOrString targetPort=4; optional int32 nodePort=5;}
message SessionAffinityConfig{optional ClientIPConfig clientIP=1;}
message ClientIPConfig{optional int32 timeoutSeconds=1;}
message ServiceStatus{optional LoadBalancerStatus loadBalancer=1; repeated Condition conditions=2;}
message LoadBalancerStatus{repeated LoadBalancerIngress ingress=1;}
message LoadBalancerIngress{optional string ip=1; optional string hostname=2; optional string ipMode=3; repeated PortStatus ports=4;}
message PortStatus{optional int32 port=1; optional string protocol=2; optional string error=3;}
message ServiceAccount{optional ObjectMeta metadata=1; repeated ObjectReference secrets=2; repeated LocalObjectReference imagePullSecrets=3; optional bool automountServiceAccountToken=4;}
message ResourceQuota{optional ObjectMeta metadata=1; optional ResourceQuotaSpec spec=2; optional ResourceQuotaStatus status=3;}
message ResourceQuotaSpec{map<string,Quantity> hard=1; repeated string scopes=2; optional ScopeSelector scopeSelector=3;}
message ScopeSelector{repeated ScopedResourceSelectorRequirement matchExpressions=1;}
message ScopedResourceSelectorRequirement{optional string scopeName=1; optional string operator=2; repeated string values=3;}
message ResourceQuotaStatus{map<string,Quantity> hard=1; map<string,Quantity> used=2;}
message PersistentVolumeClaim{optional ObjectMeta metadata=1; optional PersistentVolumeClaimSpec spec=2; optional PersistentVolumeClaimStatus status=3;}
message PersistentVolumeClaimStatus{optional string phase=1; repeated string accessModes=2; map<string,Quantity> capacity=3; repeated PersistentVolumeClaimCondition conditions=4; map<string,Quantity> allocatedResources=5; map<string,string> allocatedResourceStatuses=7; optional string currentVolumeAttributesClassName=8; optional ModifyVolumeStatus modifyVolumeStatus=9; optional VolumeHealthStatus healthStatus=10;}
message PersistentVolumeClaimCondition{optional string type=1; optional string status=2; optional Time lastProbeTime=3; optional Time lastTransitionTime=4; optional string reason=5; optional string message=6;}
message ModifyVolumeStatus{optional string targetVolumeAttributesClassName=1; optional string status=2;}
message VolumeHealthStatus{repeated VolumeHealthCondition healthConditions=1; optional Time lastTransitionTime=2;}
message apps_Deployment{optional ObjectMeta metadata=1; optional apps_DeploymentSpec spec=2; optional apps_DeploymentStatus status=3;}
message apps_DeploymentSpec{optional int32 replicas=1; optional LabelSelector selector=2; optional PodTemplateSpec template=3; optional apps_DeploymentStrategy strategy=4; optional int32 minReadySeconds=5; optional int32 revisionHistoryLimit=6; optional bool paused=7; optional int32 progressDeadlineSeconds=9;}
message PodTemplateSpec{optional ObjectMeta metadata=1; optional PodSpec spec=2;}
message apps_DeploymentStrategy{optional string type=1; optional apps_RollingUpdateDeployment rollingUpdate=2;}
message apps_RollingUpdateDeployment{optional IntOrString maxUnavailable=1; optional IntOrString maxSurge=2;}
message apps_DeploymentStatus{optional int64 observedGeneration=1; optional int32 replicas=2; optional int32 updatedReplicas=3; optional int32 readyReplicas=7; optional int32 availableReplicas=4; optional int32 unavailableReplicas=5; optional int32 terminatingReplicas=9; repeated apps_DeploymentCondition conditions=6; optional int32 collisionCount=8;}
message apps_DeploymentCondition{optional string type=1; optional string status=2; optional Time lastUpdateTime=6; optional Time lastTransitionTime=7; optional string reason=4; optional string message=5;}
message apps_StatefulSet{optional ObjectMeta metadata=1; optional apps_StatefulSetSpec spec=2; optional apps_StatefulSetStatus status=3;}
message apps_StatefulSetSpec{optional int32 replicas=1; optional LabelSelector selector=2; optional PodTemplateSpec template=3; repeated PersistentVolumeClaim volumeClaimTemplates=4; optional string serviceName=5; optional string podManagementPolicy=6; optional apps_StatefulSetUpdateStrategy updateStrategy=7; optional int32 revisionHistoryLimit=8; optional int32 minReadySeconds=9; optional apps_StatefulSetPersistentVolumeClaimRetentionPolicy persistentVolumeClaimRetentionPolicy=10; optional apps_StatefulSetOrdinals ordinals=11;}
message apps_StatefulSetUpdateStrategy{optional string type=1; optional apps_RollingUpdateStatefulSetStrategy rollingUpdate=2;}
message apps_RollingUpdateStatefulSetStrategy{optional int32 partition=1; optional IntOrString maxUnavailable=2;}
message apps_StatefulSetPersistentVolumeClaimRetentionPolicy{optional string whenDeleted=1; optional string whenScaled=2;}
message apps_StatefulSetOrdinals{optional int32 start=1;}
message apps_StatefulSetStatus{optional int64 observedGeneration=1; optional int32 replicas=2; optional int32 readyReplicas=3; optional int32 currentReplicas=4; optional int32 updatedReplicas=5; optional string currentRevision=6; optional string updateRevision=7; optional int32 collisionCount=9; repeated apps_StatefulSetCondition conditions=10; optional int32 availableReplicas=11;}
message apps_StatefulSetCondition{optional string type=1; optional string status=2; optional Time lastTransitionTime=3; optional string reason=4; optional string message=5;}
message apps_DaemonSet{optional ObjectMeta metadata=1; optional apps_DaemonSetSpec spec=2; optional apps_DaemonSetStatus status=3;}
message apps_DaemonSetSpec{optional LabelSelector selector=1; optional PodTemplateSpec template=2; optional apps_DaemonSetUpdateStrategy updateStrategy=3; optional int32 minReadySeconds=4; optional int32 revisionHistoryLimit=6;}
message apps_DaemonSetUpdateStrategy{optional string type=1; optional apps_RollingUpdateDaemonSet rollingUpdate=2;}
message apps_RollingUpdateDaemonSet{optional IntOrString maxUnavailable=1; optional IntOrString maxSurge=2;}
message apps_DaemonSetStatus{optional int32 currentNumberScheduled=1; optional int32 numberMisscheduled=2; optional int32 desiredNumberScheduled=3; optional int32 numberReady=4; optional int64 observedGeneration=5; optional int32 updatedNumberScheduled=6; optional int32 numberAvailable=7; optional int32 numberUnavailable=8; optional int32 collisionCount=9; repeated apps_DaemonSetCondition conditions=10;}
message apps_DaemonSetCondition{optional string type=1; optional string status=2; optional Time lastTransitionTime=3; optional string reason=4; optional string message=5;}
message apps_ReplicaSet{optional ObjectMeta metadata=1; optional apps_ReplicaSetSpec spec=2; optional apps_ReplicaSetStatus status=3;}
message apps_ReplicaSetSpec{optional int32 replicas=1; optional int32 minReadySeconds=4; optional LabelSelector selector=2; optional PodTemplateSpec template=3;}
message apps_ReplicaSetStatus{optional int32 replicas=1; optional int32 fullyLabeledReplicas=2; optional int32 readyReplicas=4; optional int32 availableReplicas=5; optional int32 terminatingReplicas=7; optional int64 observedGeneration=3; repeated apps_ReplicaSetCondition conditions=6;}
message apps_ReplicaSetCondition{optional string type=1; optional string status=2; optional Time lastTransitionTime=3; optional string reason=4; optional string message=5;}
message batch_Job{optional ObjectMeta metadata=1; optional batch_JobSpec spec=2; optional batch_JobStatus status=3;}
message batch_JobSpec{optional int32 parallelism=1; optional int32 completions=2; optional int64 activeDeadlineSeconds=3; optional batch_PodFailurePolicy podFailurePolicy=11; optional batch_SuccessPolicy successPolicy=16; optional int32 backoffLimit=7; optional int32 backoffLimitPerIndex=12; optional int32 maxFailedIndexes=13; optional LabelSelector selector=4; optional bool manualSelector=5; optional PodTemplateSpec template=6; optional int32 ttlSecondsAfterFinished=8; optional string completionMode=9; optional bool suspend=10; optional string podReplacementPolicy=14; optional string managedBy=15; optional batch_JobSchedulingConfiguration scheduling=17;}
message batch_PodFailurePolicy{repeated batch_PodFailurePolicyRule rules=1;}
message batch_PodFailurePolicyRule{optional string action=1; optional batch_PodFailurePolicyOnExitCodesRequirement onExitCodes=2; repeated batch_PodFailurePolicyOnPodConditionsPattern onPodConditions=3;}
message batch_PodFailurePolicyOnExitCodesRequirement{optional string containerName=1; optional string operator=2; repeated int32 values=3;}
message batch_PodFailurePolicyOnPodConditionsPattern{optional string type=1; optional string status=2;}
message batch_SuccessPolicy{repeated batch_SuccessPolicyRule rules=1;}
message batch_SuccessPolicyRule{optional string succeededIndexes=1; optional int32 succeededCount=2;}
message batch_JobSchedulingConfiguration{}
message batch_JobStatus{repeated batch_JobCondition conditions=1; optional Time startTime=2; optional Time completionTime=3; optional int32 active=4; optional int32 succeeded=5; optional int32 failed=6; optional int32 terminating=11; optional string completedIndexes=7; optional string failedIndexes=10; optional batch_UncountedTerminatedPods uncountedTerminatedPods=8; optional int32 ready=9;}
message batch_JobCondition{optional string type=1; optional string status=2; optional Time lastProbeTime=3; optional Time lastTransitionTime=4; optional string reason=5; optional string message=6;}
message batch_UncountedTerminatedPods{repeated string succeeded=1; repeated string failed=2;}
message batch_CronJob{optional ObjectMeta metadata=1; optional batch_CronJobSpec spec=2; optional batch_CronJobStatus status=3;}
message batch_CronJobSpec{optional string schedule=1; optional string timeZone=8; optional int64 startingDeadlineSeconds=2; optional string concurrencyPolicy=3; optional bool suspend=4; optional batch_JobTemplateSpec jobTemplate=5; optional int32 successfulJobsHistoryLimit=6; optional int32 failedJobsHistoryLimit=7;}
message batch_JobTemplateSpec{optional ObjectMeta metadata=1; optional batch_JobSpec spec=2;}
message batch_CronJobStatus{repeated ObjectReference active=1; optional Time lastScheduleTime=4; optional Time lastSuccessfulTime=5;}
`;
