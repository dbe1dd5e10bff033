#!/usr/bin/env bash
# Berth's S3-compatible object endpoint, run with the real AWS CLI against a running Berth server.
# Needs what lib.sh needs (ENDPOINT, AWS_SHARED_CREDENTIALS_FILE, AWS).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

expect "s3 mb" "make_bucket: config" "$(aws s3 mb s3://config)"
expect "s3 ls lists the bucket" "config" "$(aws s3 ls | awk '{print $3}')"
expect_error "bad bucket name" InvalidBucketName aws s3api create-bucket --bucket Bad_Name
expect_error "too short" InvalidBucketName aws s3api create-bucket --bucket ab
expect_error "ip-shaped" InvalidBucketName aws s3api create-bucket --bucket 192.168.1.10

printf 'GREETING=hello\n# a comment\nEMPTY=\n' > "$work/app.env"
aws s3 cp "$work/app.env" s3://config/app.env >/dev/null
expect "s3 cp down" "$(cat "$work/app.env")" "$(aws s3 cp s3://config/app.env -)"
expect "head-object ETag is the MD5" "\"$(md5sum "$work/app.env" | cut -d' ' -f1)\"" \
  "$(aws s3api head-object --bucket config --key app.env --query ETag)"

echo '{"k":1}' > "$work/doc.json"
aws s3api put-object --bucket config --key "dir/sub/doc one.json" --body "$work/doc.json" \
  --content-type application/json --metadata owner=team-a,stage=dev >/dev/null
expect "head-object metadata and content type" "application/json	team-a	dev" \
  "$(aws s3api head-object --bucket config --key "dir/sub/doc one.json" --query '[ContentType,Metadata.owner,Metadata.stage]')"
aws s3api get-object --bucket config --key "dir/sub/doc one.json" "$work/got.json" >/dev/null
cmp -s "$work/doc.json" "$work/got.json" || fail "get-object returned other bytes"
echo "ok - get-object"
expect "get-object --range" '"k"' \
  "$(aws s3api get-object --bucket config --key "dir/sub/doc one.json" --range bytes=1-3 "$work/range" >/dev/null; cat "$work/range")"
etag="$(aws s3api head-object --bucket config --key app.env --query ETag)"
expect_error "If-None-Match with the current ETag" 304 \
  aws s3api get-object --bucket config --key app.env --if-none-match "$etag" "$work/x"
expect_error "If-Match with another ETag" PreconditionFailed \
  aws s3api get-object --bucket config --key app.env --if-match '"0123"' "$work/x"

expect "list-objects-v2 with delimiter" "app.env dir/" \
  "$(aws s3api list-objects-v2 --bucket config --delimiter / --query '[Contents[].Key, CommonPrefixes[].Prefix][]' | tr '\t\n' '  ' | xargs)"
expect "list-objects-v2 prefix" "dir/sub/doc one.json" \
  "$(aws s3api list-objects-v2 --bucket config --prefix dir/ --query 'Contents[].Key')"
for i in 1 2 3 4 5; do aws s3api put-object --bucket config --key "many/k$i" --body "$work/doc.json" >/dev/null; done
expect "pagination (page size 2, the CLI follows continuation tokens)" "5" \
  "$(aws s3api list-objects-v2 --bucket config --prefix many/ --page-size 2 --query 'Contents[].Key' | wc -w | tr -d ' ')"
expect "start-after" "many/k4 many/k5" \
  "$(aws s3api list-objects-v2 --bucket config --prefix many/ --start-after many/k3 --query 'Contents[].Key' | tr '\t' ' ')"
expect "s3 ls with PRE" "PRE dir/ PRE many/" "$(aws s3 ls s3://config/ | grep PRE | xargs)"
expect "s3 ls --recursive counts" "7" "$(aws s3 ls --recursive s3://config | wc -l | tr -d ' ')"

aws s3api copy-object --bucket config --key copy.env --copy-source config/app.env >/dev/null
expect "copy-object" "$(cat "$work/app.env")" "$(aws s3 cp s3://config/copy.env -)"

head -c 20971520 /dev/urandom > "$work/big.bin"   # 20 MiB: aws s3 cp uploads it in 8 MiB parts
aws s3 cp "$work/big.bin" s3://config/big.bin >/dev/null
etag="$(aws s3api head-object --bucket config --key big.bin --query ETag)"
expect "multipart ETag is md5-of-md5s-3" "\"$(python3 -c '
import hashlib,sys
d=open(sys.argv[1],"rb").read(); cs=8*1024*1024
print(hashlib.md5(b"".join(hashlib.md5(d[i:i+cs]).digest() for i in range(0,len(d),cs))).hexdigest()+"-3")' "$work/big.bin")\"" "$etag"
aws s3 cp s3://config/big.bin "$work/big.down" >/dev/null
cmp -s "$work/big.bin" "$work/big.down" || fail "the 20 MiB round trip changed bytes"
echo "ok - 20 MiB multipart round trip, identical bytes"

url="$(aws s3 presign s3://config/app.env --expires-in 60)"
expect "presigned GET with curl" "$(cat "$work/app.env")" "$(curl -sf "$url")"

expect_error "get missing key" NoSuchKey aws s3api get-object --bucket config --key nope "$work/x"
expect_error "missing bucket" NoSuchBucket aws s3 ls s3://no-such-bucket
expect_error "rb of a non-empty bucket" BucketNotEmpty aws s3 rb s3://config
aws s3 rm s3://config/app.env >/dev/null
expect_error "deleted object is gone" 404 aws s3api head-object --bucket config --key app.env
aws s3 rm --recursive s3://config >/dev/null
expect "rm --recursive (DeleteObjects)" "0" "$(aws s3 ls --recursive s3://config | wc -l | tr -d ' ')"
expect "s3 rb" "remove_bucket: config" "$(aws s3 rb s3://config)"
expect_error "bucket is gone (HEAD has no body: 404)" 404 aws s3api head-bucket --bucket config
echo "s3 tour complete"
