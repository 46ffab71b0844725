namespace CredentialKit;

/// <summary>Checks <see cref="SourceCredentialsOptions"/>: the settings its <see cref="SourceCredentialsOptions.Type"/> needs, and no others.</summary>
/// <remarks>
/// A setting the type ignores is an error rather than a silent no-op: an access key under <c>Type: Default</c> almost
/// always means <c>Type: Static</c> was forgotten. Values of secrets are never shown, only whether they are set; neither
/// is a web identity token, a SAML assertion or the content of a policy.
/// </remarks>
internal static class SourceCredentialsValidator
{
    private const string Path = "Source";
    private const SourceCredentialsType Default = SourceCredentialsType.Default;
    private const SourceCredentialsType Static = SourceCredentialsType.Static;
    private const SourceCredentialsType Instance = SourceCredentialsType.Credentials;
    private const SourceCredentialsType WebIdentity = SourceCredentialsType.WebIdentity;
    private const SourceCredentialsType SessionToken = SourceCredentialsType.SessionToken;
    private const SourceCredentialsType Saml = SourceCredentialsType.Saml;
    private const SourceCredentialsType FederationToken = SourceCredentialsType.FederationToken;
    private const SourceCredentialsType Profile = SourceCredentialsType.Profile;
    private const SourceCredentialsType CredentialProcess = SourceCredentialsType.CredentialProcess;

    private const string RoleDurationAllowed = "00:15:00 to 12:00:00 in whole seconds (900–43200 s), and at most the role's MaxSessionDuration";
    private const string TokenDurationAllowed = "00:15:00 to 1.12:00:00 in whole seconds (900–129600 s)";
    private const string NotReserved = ", not starting with aws:";

    private static readonly TextRule FederatedUserName = new(2, 32, c => TextRule.IsWordOr(c, "+=,.@-"), "A–Z a–z 0–9 _ + = , . @ -");

    /// <summary>Which source types use each setting; anything set outside its types is reported as ignored.</summary>
    private static readonly (string Name, Func<SourceCredentialsOptions, bool> IsSet, SourceCredentialsType[] Types)[] Settings =
    [
        ("AccessKeyId", o => !string.IsNullOrEmpty(o.AccessKeyId), [Static, SessionToken, FederationToken]),
        ("SecretAccessKey", o => !string.IsNullOrEmpty(o.SecretAccessKey), [Static, SessionToken, FederationToken]),
        ("SessionToken", o => !string.IsNullOrEmpty(o.SessionToken), [Static]),
        ("Credentials", o => o.Credentials is not null, [Instance, SessionToken, FederationToken]),
        ("ProfileName", o => !string.IsNullOrEmpty(o.ProfileName), [Default, Profile, SourceCredentialsType.Sso, SessionToken, FederationToken]),
        ("RoleArn", o => !string.IsNullOrEmpty(o.RoleArn), [WebIdentity, Saml]),
        ("RoleSessionName", o => !string.IsNullOrEmpty(o.RoleSessionName), [WebIdentity]),
        ("TokenFile", o => !string.IsNullOrEmpty(o.TokenFile), [WebIdentity]),
        ("WebIdentityTokenProvider", o => o.WebIdentityTokenProvider is not null, [WebIdentity]),
        ("PrincipalArn", o => !string.IsNullOrEmpty(o.PrincipalArn), [Saml]),
        ("SamlAssertionProvider", o => o.SamlAssertionProvider is not null, [Saml]),
        ("Duration", o => o.Duration is not null, [WebIdentity, Saml, SessionToken, FederationToken]),
        ("Policy", o => o.Policy is not null, [WebIdentity, Saml, FederationToken]),
        ("PolicyArns", o => o.PolicyArns.Count > 0, [WebIdentity, Saml, FederationToken]),
        ("Name", o => !string.IsNullOrEmpty(o.Name), [FederationToken]),
        ("Tags", o => o.Tags.Count > 0, [FederationToken]),
        ("MfaSerialNumber", o => !string.IsNullOrEmpty(o.MfaSerialNumber), [SessionToken]),
        ("MfaTokenCodeProvider", o => o.MfaTokenCodeProvider is not null, [SessionToken, Profile]),
        ("CredentialProcess", o => !string.IsNullOrEmpty(o.CredentialProcess), [CredentialProcess]),
    ];

    /// <summary>Validates the source and says what it means for the roles after it.</summary>
    public static SourceFacts Validate(SourceCredentialsOptions source, ValidationFailures failures)
    {
        if (!Enum.IsDefined(source.Type))
        {
            failures.Add(
                $"{Path}:Type",
                $"is {(int)source.Type}, which is not a defined value",
                string.Join(", ", Enum.GetNames<SourceCredentialsType>()));
            return new SourceFacts(ProducesSession: true, RolesAllowed: true);
        }

        RejectIgnored(source, failures);
        var environment = SourceEnvironment.For(source);
        switch (source.Type)
        {
            case Static:
                ValidateStatic(source, failures);
                break;
            case Instance when source.Credentials is null:
                failures.Add($"{Path}:Credentials", "is missing while Source:Type is Credentials", "an AWSCredentials instance, set in code");
                break;
            case WebIdentity:
                ValidateWebIdentity(source, environment, failures);
                return new SourceFacts(ProducesSession: true, RolesAllowed: true, FirstRoleChained: true);
            case Saml:
                ValidateSaml(source, failures);
                return new SourceFacts(ProducesSession: true, RolesAllowed: true, FirstRoleChained: true);
            case SessionToken:
                ValidateLongTerm(source, environment, failures);
                ValidateDuration(source, failures, StsLimits.MaximumTokenDuration, TokenDurationAllowed);
                ValidateMfa(source, failures);
                return new SourceFacts(ProducesSession: true, RolesAllowed: true);
            case FederationToken:
                ValidateLongTerm(source, environment, failures);
                ValidateFederation(source, failures);
                return new SourceFacts(ProducesSession: true, RolesAllowed: false);
            case Profile:
                return ValidateProfile(source, environment, failures);
            case Default:
                return LocalSourceValidator.ValidateDefault(source, environment, failures);
            case CredentialProcess or SourceCredentialsType.ContainerCredentials or SourceCredentialsType.InstanceMetadata or SourceCredentialsType.Sso:
                LocalSourceValidator.Validate(source, environment, failures);

                // Container, instance and SSO sessions are role sessions: a role after them is role chaining.
                return new SourceFacts(ProducesSession: true, RolesAllowed: true, FirstRoleChained: source.Type is not CredentialProcess);
        }

        return new SourceFacts(ProducesSession: false, RolesAllowed: true);
    }

    private static void RejectIgnored(SourceCredentialsOptions source, ValidationFailures failures)
    {
        foreach (var (name, isSet, types) in Settings)
        {
            if (isSet(source) && !types.Contains(source.Type))
            {
                var listed = types.Length == 1 ? types[0].ToString() : $"{string.Join(", ", types[..^1])} or {types[^1]}";
                var fix = types.Length == 1 ? $"set Type to {types[0]}" : "set Type to one of them";
                var remove = name == "Credentials" ? "remove the instance" : "remove the setting";
                failures.Add($"{Path}:{name}", $"is set but ignored because Source:Type is {source.Type}", $"only with Source:Type {listed} ({fix}, or {remove})");
            }
        }
    }

    private static void ValidateStatic(SourceCredentialsOptions source, ValidationFailures failures)
    {
        if (string.IsNullOrEmpty(source.AccessKeyId))
        {
            failures.Add($"{Path}:AccessKeyId", $"is missing while Source:Type is {source.Type}", StsLimits.AccessKeyId.Allowed);
        }
        else
        {
            foreach (var problem in StsLimits.AccessKeyId.Check(source.AccessKeyId))
            {
                failures.Add($"{Path}:AccessKeyId", problem, StsLimits.AccessKeyId.Allowed);
            }
        }

        if (string.IsNullOrWhiteSpace(source.SecretAccessKey))
        {
            failures.Add(
                $"{Path}:SecretAccessKey",
                source.SecretAccessKey is null or "" ? $"is missing while Source:Type is {source.Type}" : "is only white space",
                "the non-empty secret access key of Source:AccessKeyId");
        }
    }

    /// <summary>GetSessionToken and GetFederationToken: at most one of keys, instance, profile (none means the default chain).</summary>
    private static void ValidateLongTerm(SourceCredentialsOptions source, SourceEnvironment environment, ValidationFailures failures)
    {
        var hasKeys = !string.IsNullOrEmpty(source.AccessKeyId) || !string.IsNullOrEmpty(source.SecretAccessKey);
        var chosen = new[] { hasKeys ? "AccessKeyId" : null, source.Credentials is null ? null : "Credentials", string.IsNullOrEmpty(source.ProfileName) ? null : "ProfileName" }
            .OfType<string>().ToList();
        if (chosen.Count > 1)
        {
            failures.Add(
                $"{Path}:{chosen[1]}",
                $"is set together with Source:{chosen[0]}",
                $"one source of long-term credentials for {source.Type}: AccessKeyId with SecretAccessKey, Credentials, ProfileName, or none for the default chain");
        }

        if (hasKeys)
        {
            ValidateStatic(source, failures);
        }
        else if (!string.IsNullOrEmpty(source.ProfileName))
        {
            try
            {
                SharedProfiles.Load(environment).ResolveLongTerm(source.ProfileName);
            }
            catch (SharedProfileException e)
            {
                failures.Add($"{Path}:ProfileName", e.Problem, "a profile of the shared AWS files with aws_access_key_id and aws_secret_access_key");
            }
        }
    }

    private static void ValidateWebIdentity(SourceCredentialsOptions source, SourceEnvironment environment, ValidationFailures failures)
    {
        var (roleArn, rolePath) = WebIdentitySettings.ResolveRoleArn(source, environment);
        if (roleArn is null)
        {
            failures.Add(rolePath, $"is missing and {SourceEnvironment.RoleArn} is not set", ArnRules.RoleAllowed);
        }
        else
        {
            foreach (var problem in ArnRules.CheckRole(roleArn))
            {
                failures.Add(rolePath, problem, ArnRules.RoleAllowed);
            }
        }

        var (sessionName, sessionPath) = WebIdentitySettings.ResolveRoleSessionName(source, environment);
        if (sessionName is not null)
        {
            foreach (var problem in StsLimits.RoleSessionName.Check(sessionName))
            {
                failures.Add(sessionPath, problem, StsLimits.RoleSessionName.Allowed);
            }
        }

        const string TokenAllowed = "the absolute path of the OIDC token file, or Source:WebIdentityTokenProvider set in code (one of the two)";
        var (tokenFile, tokenPath) = WebIdentitySettings.ResolveTokenFile(source, environment);
        if (!string.IsNullOrEmpty(source.TokenFile) && source.WebIdentityTokenProvider is not null)
        {
            failures.Add($"{Path}:TokenFile", "is set together with Source:WebIdentityTokenProvider", TokenAllowed);
        }
        else if (tokenFile is null && source.WebIdentityTokenProvider is null)
        {
            failures.Add(tokenPath, $"is missing, Source:WebIdentityTokenProvider is not set and {SourceEnvironment.WebIdentityTokenFile} is not set", TokenAllowed);
        }
        else if (tokenFile is not null && !System.IO.Path.IsPathFullyQualified(tokenFile))
        {
            // The path is not a secret; the token inside it is, and is never read here.
            failures.Add(tokenPath, $"is {ValueText.Quote(tokenFile)}, which is not an absolute path", TokenAllowed);
        }

        ValidateDuration(source, failures, StsLimits.MaximumSessionDuration, RoleDurationAllowed);
        ValidatePolicies(source, failures);
    }

    private static void ValidateSaml(SourceCredentialsOptions source, ValidationFailures failures)
    {
        if (string.IsNullOrEmpty(source.RoleArn))
        {
            failures.Add($"{Path}:RoleArn", "is missing while Source:Type is Saml", ArnRules.RoleAllowed);
        }
        else
        {
            foreach (var problem in ArnRules.CheckRole(source.RoleArn))
            {
                failures.Add($"{Path}:RoleArn", problem, ArnRules.RoleAllowed);
            }
        }

        const string PrincipalAllowed = "the ARN of the SAML provider in IAM, arn:<partition>:iam::<12-digit account>:saml-provider/<name>, 20–2048 characters";
        if (string.IsNullOrEmpty(source.PrincipalArn))
        {
            failures.Add($"{Path}:PrincipalArn", "is missing while Source:Type is Saml", PrincipalAllowed);
        }
        else if (source.PrincipalArn.Length is < StsLimits.ArnMinLength or > StsLimits.ArnMaxLength
            || !source.PrincipalArn.StartsWith("arn:", StringComparison.Ordinal)
            || !source.PrincipalArn.Contains(":saml-provider/", StringComparison.Ordinal))
        {
            failures.Add($"{Path}:PrincipalArn", $"is {ValueText.Quote(source.PrincipalArn)}, which is not a SAML provider ARN", PrincipalAllowed);
        }

        if (source.SamlAssertionProvider is null)
        {
            failures.Add($"{Path}:SamlAssertionProvider", "is missing while Source:Type is Saml",
                "a callback, set in code, that returns a fresh base64 SAML response from the identity provider");
        }

        ValidateDuration(source, failures, StsLimits.MaximumSessionDuration, RoleDurationAllowed);
        ValidatePolicies(source, failures);
    }

    private static void ValidateFederation(SourceCredentialsOptions source, ValidationFailures failures)
    {
        if (string.IsNullOrEmpty(source.Name))
        {
            failures.Add($"{Path}:Name", "is missing while Source:Type is FederationToken", FederatedUserName.Allowed);
        }
        else
        {
            foreach (var problem in FederatedUserName.Check(source.Name))
            {
                failures.Add($"{Path}:Name", problem, FederatedUserName.Allowed);
            }
        }

        ValidateDuration(source, failures, StsLimits.MaximumTokenDuration, TokenDurationAllowed);
        ValidatePolicies(source, failures);
        ValidateTags(source, failures);
    }

    private static SourceFacts ValidateProfile(SourceCredentialsOptions source, SourceEnvironment environment, ValidationFailures failures)
    {
        var name = SharedProfiles.ProfileNameOf(source, environment);
        const string Allowed = "a profile of the shared AWS config or credentials file with keys, or role_arn with source_profile, credential_source or web_identity_token_file";
        ProfileChain chain;
        try
        {
            chain = SharedProfiles.Load(environment).Resolve(name, source.MfaTokenCodeProvider);
        }
        catch (SharedProfileException e)
        {
            failures.Add($"{Path}:ProfileName", e.Problem, Allowed);
            return new SourceFacts(ProducesSession: true, RolesAllowed: true);
        }

        for (var i = 0; i < chain.Roles.Count; i++)
        {
            var role = chain.Roles[i];
            var path = $"{Path}:ProfileName[{name}]:{i}";
            if (role.MfaSerialNumber is not null && role.MfaTokenCodeProvider is null)
            {
                failures.Add($"{Path}:MfaTokenCodeProvider", $"is missing while the profile chain of '{name}' sets mfa_serial for {role.RoleArn}",
                    "a callback, set in code, that returns the device's current six-digit code");
                role = new AssumeRoleOptions { RoleArn = role.RoleArn, RoleSessionName = role.RoleSessionName, ExternalId = role.ExternalId, Duration = role.Duration };
            }

            AssumeRoleValidator.ValidateHop(role, path, failures);
        }

        // As the chain runs it: a hop after another role's session (an earlier role_arn, or an SSO, container, instance or
        // web identity session) is role chaining, granted one hour at most.
        var baseIsRoleSession = chain.Session?.IsRoleSession == true;
        var hops = chain.Roles.Select((role, i) => new PlannedHop(role, $"{Path}:ProfileName[{name}]:{i} duration_seconds", i > 0 || baseIsRoleSession)).ToList();
        return new SourceFacts(ProducesSession: chain.Roles.Count > 0 || chain.Session is not null, RolesAllowed: true,
            FirstRoleChained: chain.Roles.Count > 0 || baseIsRoleSession, ProfileHops: hops);
    }

    private static void ValidateDuration(SourceCredentialsOptions source, ValidationFailures failures, TimeSpan maximum, string allowed)
    {
        if (source.Duration is not { } duration)
        {
            return;
        }

        if (duration < StsLimits.MinimumSessionDuration || duration > maximum)
        {
            failures.Add($"{Path}:Duration", $"is {ValueText.Duration(duration)}", allowed);
        }
        else if (duration.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            failures.Add($"{Path}:Duration", $"is {ValueText.Duration(duration)}, which is not a whole number of seconds", allowed);
        }
    }

    private static void ValidatePolicies(SourceCredentialsOptions source, ValidationFailures failures)
    {
        if (source.PolicyArns.Count > StsLimits.MaxPolicyArns)
        {
            failures.Add($"{Path}:PolicyArns", $"has {source.PolicyArns.Count} ARNs", $"at most {StsLimits.MaxPolicyArns} managed policy ARNs");
        }

        var arnCharacters = 0;
        for (var i = 0; i < source.PolicyArns.Count; i++)
        {
            var arn = source.PolicyArns[i];
            if (arn is null)
            {
                failures.Add($"{Path}:PolicyArns:{i}", "is null", ArnRules.PolicyAllowed);
                continue;
            }

            arnCharacters += arn.Length;
            foreach (var problem in ArnRules.CheckPolicy(arn))
            {
                failures.Add($"{Path}:PolicyArns:{i}", $"is {ValueText.Quote(arn)}, which {problem}", ArnRules.PolicyAllowed);
            }
        }

        if (source.Policy is null)
        {
            return;
        }

        // The policy may be confidential: messages give its length and a position, never its text.
        var problems = StsLimits.Policy.Check(source.Policy, showCharacter: false).ToList();
        foreach (var problem in problems)
        {
            failures.Add($"{Path}:Policy", problem, StsLimits.Policy.Allowed);
        }

        var total = source.Policy.Length + arnCharacters;
        if (problems.Count == 0 && arnCharacters > 0 && total > StsLimits.MaxPolicyPlaintext)
        {
            failures.Add(
                $"{Path}:Policy",
                $"is {ValueText.Count(source.Policy.Length, "character")} long, {total} together with PolicyArns",
                $"at most {StsLimits.MaxPolicyPlaintext} characters for Policy and PolicyArns together");
        }
    }

    private static void ValidateTags(SourceCredentialsOptions source, ValidationFailures failures)
    {
        var keyAllowed = StsLimits.TagKey.Allowed + NotReserved;
        if (source.Tags.Count > StsLimits.MaxTags)
        {
            failures.Add($"{Path}:Tags", $"has {source.Tags.Count} tags", $"at most {StsLimits.MaxTags} tags");
        }

        foreach (var (key, value) in source.Tags)
        {
            if (key.StartsWith(StsLimits.ReservedPrefix, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{Path}:Tags", $"key {ValueText.Quote(key)} starts with the reserved prefix 'aws:'", keyAllowed);
            }
            else
            {
                foreach (var problem in StsLimits.TagKey.Check(key))
                {
                    failures.Add($"{Path}:Tags", $"key {ValueText.Quote(key)} {problem}", keyAllowed);
                }
            }

            if (value is null)
            {
                failures.Add($"{Path}:Tags:{key}", "value is null", StsLimits.TagValue.Allowed + " (an empty value is allowed)");
                continue;
            }

            foreach (var problem in StsLimits.TagValue.Check(value))
            {
                failures.Add($"{Path}:Tags:{key}", $"value {problem}", StsLimits.TagValue.Allowed);
            }
        }
    }

    private static void ValidateMfa(SourceCredentialsOptions source, ValidationFailures failures)
    {
        var serialAllowed = $"the MFA device's serial number or ARN, {StsLimits.MfaSerialNumber.Allowed}, together with MfaTokenCodeProvider";
        if (!string.IsNullOrEmpty(source.MfaSerialNumber))
        {
            foreach (var problem in StsLimits.MfaSerialNumber.Check(source.MfaSerialNumber))
            {
                failures.Add($"{Path}:MfaSerialNumber", problem, serialAllowed);
            }

            if (source.MfaTokenCodeProvider is null)
            {
                failures.Add(
                    $"{Path}:MfaTokenCodeProvider",
                    "is missing while MfaSerialNumber is set",
                    "a callback that returns the device's current six-digit code, set together with MfaSerialNumber");
            }
        }
        else if (source.MfaTokenCodeProvider is not null)
        {
            failures.Add($"{Path}:MfaSerialNumber", "is missing while MfaTokenCodeProvider is set", serialAllowed);
        }
    }
}

/// <summary>What a validated source means for <see cref="CredentialKitProfileOptions.Roles"/>.</summary>
/// <param name="ProducesSession">Whether the source issues a session itself, so Roles may be empty.</param>
/// <param name="RolesAllowed">Whether roles may follow it at all (not after GetFederationToken).</param>
/// <param name="FirstRoleChained">Whether the first of Roles is assumed with a role session (role chaining: one hour at most).</param>
/// <param name="ProfileHops">The role_arn hops a shared-config profile expands to, ahead of Roles, for the lifetime checks.</param>
internal readonly record struct SourceFacts(bool ProducesSession, bool RolesAllowed, bool FirstRoleChained = false, IReadOnlyList<PlannedHop>? ProfileHops = null);
