{{/* The release's full name, at most 63 characters (a Kubernetes name). */}}
{{- define "efs-orchestrator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "efs-orchestrator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "efs-orchestrator.labels" -}}
{{ include "efs-orchestrator.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "efs-orchestrator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "efs-orchestrator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The kinds whose objects the orchestrator reconciles in AWS: one per efs.services.k8s.aws CRD in crds/ (FieldExport has rules of its own). */}}
{{- define "efs-orchestrator.kinds" -}}
filesystems mounttargets accesspoints
{{- end -}}

{{/*
A FileSystem published as a StorageClass reads, creates and deletes its own StorageClass (never
another object's), and its deletion waits while PersistentVolumes use the file system.
*/}}
{{- define "efs-orchestrator.storageRules" -}}
- apiGroups: [storage.k8s.io]
  resources: [storageclasses]
  verbs: [get, create, delete]
- apiGroups: ['']
  resources: [persistentvolumes]
  verbs: [list]
{{- end -}}

{{/* Where the watchers' Lease lives, as the orchestrator decides it (src/watcher/leader.ts). */}}
{{- define "efs-orchestrator.leaseNamespace" -}}
{{- .Values.leaderElection.namespace | default .Values.watch.namespace | default .Release.Namespace -}}
{{- end -}}

{{- define "efs-orchestrator.tlsDir" -}}/etc/efs-orchestrator/temporal-tls{{- end -}}
{{- define "efs-orchestrator.apiKeyDir" -}}/etc/efs-orchestrator/temporal-api-key{{- end -}}
