{{- define "guarded.gitops" -}}
{{- if eq .Values.gitops "flux" }}
  labels:
    helm.toolkit.fluxcd.io/name: {{ .Release.Name }}
    helm.toolkit.fluxcd.io/namespace: flux-system
{{- else if eq .Values.gitops "argocd" }}
  annotations:
    argocd.argoproj.io/tracking-id: {{ printf "%s:apps/Deployment:%s/%s" .Release.Name .Release.Namespace .Release.Name | quote }}
{{- end }}
{{- end }}
