// Node 20 lacks what js-libp2p 3.x calls: Promise.withResolvers (Node 22) and the ES2025 Set methods.
// Preload this module in every node process: node --import ./polyfill.mjs node-peer.mjs
// Each definition is installed only when missing, so newer Node versions use their built-ins.

function define (target, name, value) {
  if (typeof target[name] !== 'function') {
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false })
  }
}

define(Promise, 'withResolvers', function withResolvers () {
  let resolve
  let reject
  const promise = new this((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
})

// "Set-like" arguments per the spec: anything with size, has() and keys().
function setLike (other) {
  if (other == null || typeof other.has !== 'function' || typeof other.keys !== 'function' ||
    typeof other.size !== 'number' || Number.isNaN(other.size)) {
    throw new TypeError('expected a set-like object (size, has, keys)')
  }
  return other
}

const S = Set.prototype

define(S, 'union', function union (other) {
  setLike(other)
  const out = new Set(this)
  for (const v of other.keys()) out.add(v)
  return out
})

define(S, 'intersection', function intersection (other) {
  setLike(other)
  const out = new Set()
  if (this.size <= other.size) {
    for (const v of this) if (other.has(v)) out.add(v)
  } else {
    for (const v of other.keys()) if (this.has(v)) out.add(v)
  }
  return out
})

define(S, 'difference', function difference (other) {
  setLike(other)
  const out = new Set(this)
  if (this.size <= other.size) {
    for (const v of this) if (other.has(v)) out.delete(v)
  } else {
    for (const v of other.keys()) out.delete(v)
  }
  return out
})

define(S, 'symmetricDifference', function symmetricDifference (other) {
  setLike(other)
  const out = new Set(this)
  for (const v of other.keys()) {
    if (this.has(v)) out.delete(v)
    else out.add(v)
  }
  return out
})

define(S, 'isSubsetOf', function isSubsetOf (other) {
  setLike(other)
  if (this.size > other.size) return false
  for (const v of this) if (!other.has(v)) return false
  return true
})

define(S, 'isSupersetOf', function isSupersetOf (other) {
  setLike(other)
  if (this.size < other.size) return false
  for (const v of other.keys()) if (!this.has(v)) return false
  return true
})

define(S, 'isDisjointFrom', function isDisjointFrom (other) {
  setLike(other)
  if (this.size <= other.size) {
    for (const v of this) if (other.has(v)) return false
  } else {
    for (const v of other.keys()) if (this.has(v)) return false
  }
  return true
})
