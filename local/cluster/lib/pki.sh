# shellcheck shell=bash
# The local cluster's certificates and keys, made with openssl (sourced by cluster.sh). One CA signs
# every serving and client certificate; the keys are ECDSA P-256 (fast to make on every start) and
# are written 0600 by openssl itself, never passed on a command line or printed.
#   pki_make DIR    # DIR/ca.{crt,key}, DIR/<name>.{crt,key} for each component, DIR/sa.{key,pub}

_pki_leaf() { # DIR NAME SUBJECT EKU [SAN]
  local dir="$1" name="$2" subject="$3" eku="$4" san="${5:-}"
  local ext="$dir/$name.ext"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [[ -n "$san" ]] && echo "subjectAltName=$san"
  } >"$ext"
  local serial
  serial="$(openssl rand -hex 16)" || die "openssl rand failed (a serial number for $name)"
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "$subject" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -set_serial "0x$serial" -days 30 -extfile "$ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
  chmod 0600 "$dir/$name.key"
}

pki_make() {
  local dir="$1"
  mkdir -p "$dir"
  chmod 0700 "$dir"
  (
    umask 077
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 30 -subj "/CN=gin-deploy-local-cluster-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    local loopback="DNS:localhost,IP:127.0.0.1"
    # 10.96.0.1 is the in-cluster "kubernetes" Service address (the first of the service range).
    _pki_leaf "$dir" apiserver "/CN=kube-apiserver" serverAuth \
      "$loopback,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    _pki_leaf "$dir" etcd-server "/CN=etcd" serverAuth,clientAuth "$loopback"
    _pki_leaf "$dir" apiserver-etcd-client "/CN=kube-apiserver-etcd-client" clientAuth
    # The API server's identity towards the kubelet (logs, exec): system:masters may use the kubelet API.
    _pki_leaf "$dir" apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
    _pki_leaf "$dir" admin "/O=system:masters/CN=gin-deploy-admin" clientAuth
    _pki_leaf "$dir" controller-manager "/CN=system:kube-controller-manager" clientAuth
    _pki_leaf "$dir" scheduler "/CN=system:kube-scheduler" clientAuth
    _pki_leaf "$dir" kube-proxy "/CN=system:kube-proxy" clientAuth
    # The node is named localhost (--hostname-override): the Node authorizer wants system:node:<name>.
    _pki_leaf "$dir" kubelet-client "/O=system:nodes/CN=system:node:localhost" clientAuth
    _pki_leaf "$dir" kubelet-server "/CN=localhost" serverAuth "$loopback"
    # Service-account token signing key (the API server signs, the controller-manager too).
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/sa.key" 2>/dev/null
    openssl pkey -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
  )
}

# A kubeconfig with the certificates embedded (self-contained: it can be handed to a Pulumi
# provider as a secret). Written 0600.
pki_kubeconfig() { # DIR NAME SERVER OUT
  local dir="$1" name="$2" server="$3" out="$4"
  (
    umask 077
    local ca_data cert_data key_data
    ca_data="$(base64 -w0 "$dir/ca.crt")" || die "could not read $dir/ca.crt"
    cert_data="$(base64 -w0 "$dir/$name.crt")" || die "could not read $dir/$name.crt"
    key_data="$(base64 -w0 "$dir/$name.key")" || die "could not read $dir/$name.key"
    cat >"$out" <<YAML
apiVersion: v1
kind: Config
clusters:
  - name: gin-deploy-local
    cluster:
      server: $server
      certificate-authority-data: $ca_data
users:
  - name: $name
    user:
      client-certificate-data: $cert_data
      client-key-data: $key_data
contexts:
  - name: gin-deploy-local
    context:
      cluster: gin-deploy-local
      user: $name
current-context: gin-deploy-local
YAML
  )
}
