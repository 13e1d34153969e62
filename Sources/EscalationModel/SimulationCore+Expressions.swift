import Foundation

extension SimulationCore {
    /// Runs expression `e` on the value stack. Every name was resolved to an index when the
    /// scenario was compiled, so this reads numbers only. (`mutating` only to avoid a copy of
    /// the core; see `stateValue`.)
    mutating func evaluate(_ e: Int32) -> Double {
        let stack = buffers.stack
        var top = -1
        var pc = Int(expressionStart[e])
        let end = Int(expressionEnd[e])
        while pc < end {
            switch code[pc] {
            case .constant(let v): top += 1; stack[top] = v
            case .state(let i): top += 1; stack[top] = stateValue(Int(i))
            case .total(let i): top += 1; stack[top] = buffers.totals[Int(i)]
            case .eventCounter(let i): top += 1; stack[top] = buffers.eventCounters[Int(i)]
            case .eventRung: top += 1; stack[top] = Double(lastRung)
            case .eventIntercepted: top += 1; stack[top] = lastIntercepted ? 1 : 0
            case .maxRung: top += 1; stack[top] = Double(maxRung)
            case .day: top += 1; stack[top] = now
            case .count(let i): top += 1; stack[top] = Double(buffers.actionCounts[Int(i)])
            case .first(let i): top += 1; stack[top] = buffers.firstTime[Int(i)]
            case .parameter(let i): top += 1; stack[top] = buffers.parameters[Int(i)]
            case .negate: stack[top] = -stack[top]
            case .not: stack[top] = truth(stack[top]) ? 0 : 1
            case .truth: stack[top] = truth(stack[top]) ? 1 : 0
            case .add: top -= 1; stack[top] += stack[top + 1]
            case .subtract: top -= 1; stack[top] -= stack[top + 1]
            case .multiply: top -= 1; stack[top] *= stack[top + 1]
            case .divide: top -= 1; stack[top] /= stack[top + 1]
            case .modulo: top -= 1; stack[top] = fmod(stack[top], stack[top + 1])
            case .power: top -= 1; stack[top] = pow(stack[top], stack[top + 1])
            case .less: top -= 1; stack[top] = stack[top] < stack[top + 1] ? 1 : 0
            case .lessEqual: top -= 1; stack[top] = stack[top] <= stack[top + 1] ? 1 : 0
            case .greater: top -= 1; stack[top] = stack[top] > stack[top + 1] ? 1 : 0
            case .greaterEqual: top -= 1; stack[top] = stack[top] >= stack[top + 1] ? 1 : 0
            case .equal: top -= 1; stack[top] = stack[top] == stack[top + 1] ? 1 : 0
            case .notEqual: top -= 1; stack[top] = stack[top] != stack[top + 1] ? 1 : 0
            case .andJump(let skip):
                if truth(stack[top]) { top -= 1 } else { stack[top] = 0; pc += Int(skip) }
            case .orJump(let skip):
                if truth(stack[top]) { stack[top] = 1; pc += Int(skip) } else { top -= 1 }
            case .call(let f):
                switch f {
                case .min: top -= 1; stack[top] = Swift.min(stack[top], stack[top + 1])
                case .max: top -= 1; stack[top] = Swift.max(stack[top], stack[top + 1])
                case .abs: stack[top] = Swift.abs(stack[top])
                case .sqrt: stack[top] = stack[top].squareRoot()
                case .exp: stack[top] = Foundation.exp(stack[top])
                case .log: stack[top] = Foundation.log(stack[top])
                case .floor: stack[top] = stack[top].rounded(.down)
                case .ceil: stack[top] = stack[top].rounded(.up)
                case .clamp:
                    top -= 2
                    stack[top] = Swift.min(Swift.max(stack[top], stack[top + 1]), stack[top + 2])
                case .ifThenElse:
                    top -= 2
                    stack[top] = truth(stack[top]) ? stack[top + 1] : stack[top + 2]
                }
            }
            pc += 1
        }
        return stack[0]
    }
}
