-- An endpoint may carry its model's chat template, so the agent loop renders
-- prompts exactly as the model's tokenizer would (issue: paper-comparable
-- evaluations). `chat_template` is the template text; `special_tokens` a JSON
-- object of the names the template sees (bos_token, eos_token, ...).
ALTER TABLE checkpoint ADD COLUMN chat_template TEXT;
ALTER TABLE checkpoint ADD COLUMN special_tokens TEXT;
