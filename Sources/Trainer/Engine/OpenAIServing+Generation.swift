import Foundation

extension OpenAIServing {
    /// One engine request per (prompt, choice) pair, each checked as the engine
    /// would, so that a stream never starts for a request the engine refuses.
    /// - Parameters:
    ///   - defaultMaxTokens: nil: the room the prompt leaves.
    ///   - logprobs: the alternatives each token reports (nil: no logprobs).
    func plan(
        prompts: [[Int32]], request: OpenAIWireRequest, defaultMaxTokens: Int?, logprobs: Int?
    ) throws(OpenAIServingError) -> [EngineRequest] {
        let context = engine.contextLength
        let longest = prompts.map(\.count).max() ?? 0
        // vLLM's completions default to 16 tokens whatever generation_config says.
        let template = try request.sampling(
            defaults: generationDefaults, maxTokens: request.fields.maxTokens ?? defaultMaxTokens,
            fallbackMaxTokens: max(1, context - longest))
        let n = try request.choiceCount()
        let base = request.fields.seed.map { UInt64(bitPattern: $0) } ?? UInt64.random(in: 0...UInt64.max)
        var jobs: [EngineRequest] = []
        for (p, tokens) in prompts.enumerated() {
            guard !tokens.isEmpty else { throw .badRequest("the prompt is empty") }
            // With no max_tokens anywhere, a chat request takes what is left;
            // a number the request or generation_config gives must fit, as in vLLM.
            var maxTokens = template.maxTokens
            if request.fields.maxTokens == nil && defaultMaxTokens == nil {
                maxTokens = min(maxTokens, context - tokens.count)
            }
            guard tokens.count < context, tokens.count + maxTokens <= context else {
                throw .badRequest(Self.overflowMessage(context: context, prompt: tokens.count, completion: maxTokens))
            }
            for i in 0..<n {
                var job = template
                job.prompt = tokens
                job.maxTokens = maxTokens
                job.seed = base &+ UInt64(p * n + i)
                job.logprobs = logprobs
                do throws(EngineError) {
                    try job.validate(contextLength: context, vocabSize: engine.vocabularySize)
                } catch .invalidRequest(let message) {
                    throw .badRequest(message)
                } catch {
                    throw .badRequest(error.description)
                }
                jobs.append(job)
            }
        }
        return jobs
    }

    /// Runs every (prompt, choice) pair concurrently.
    func generate(_ jobs: [EngineRequest]) async throws(OpenAIServingError) -> [EngineOutput] {
        let engine = engine
        let results = await withTaskGroup(of: (Int, Result<EngineOutput, EngineError>).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    do throws(EngineError) {
                        return (index, .success(try await engine.generate(job)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<EngineOutput, EngineError>?](repeating: nil, count: jobs.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
        var outputs: [EngineOutput] = []
        for result in results {
            switch result {
            case .success(let output)?: outputs.append(output)
            case .failure(.invalidRequest(let message))?: throw .badRequest(message)
            case .failure(let error)?: throw .unavailable(error.description)
            case nil: throw .unavailable("a choice was not generated")
            }
        }
        return outputs
    }

    /// vLLM's context-length message (what `ContextOverflow` parses).
    static func overflowMessage(context: Int, prompt: Int, completion: Int) -> String {
        if prompt >= context {
            return "This model's maximum context length is \(context) tokens. However, you requested \(prompt) tokens "
                + "in the messages, Please reduce the length of the messages."
        }
        return "This model's maximum context length is \(context) tokens. However, you requested "
            + "\(prompt + completion) tokens (\(prompt) in the messages, \(completion) in the completion). "
            + "Please reduce the length of the messages or completion."
    }
}
