// What aegir/chai exports, for the assertions the interop suite uses: chai with chai-as-promised
// (.eventually.be.rejected), chai-bites (.equalBytes) and chai-parentheses (.exist()).
import chai from 'chai'
import chaiAsPromised from 'chai-as-promised'
import chaiBites from 'chai-bites'
import chaiParentheses from 'chai-parentheses'

chai.use(chaiAsPromised)
chai.use(chaiBites)
chai.use(chaiParentheses)

export const expect = chai.expect
export const assert = chai.assert
export { chai }
